// The built command line as an installed hospital runs it (`node out/cli/index.js`, what scripts/cli.mjs starts once
// the bundle is fresh): it answers --version and --help, runs a real command against the embedded node, and runs its
// code from V8's code cache after the first command (scripts/cli-entry.mjs), also when that cache is damaged.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../charts/harness';
import { buildCli } from './cli-run';

const run = promisify(execFile);
const cacheFile = 'out/cli/commands.cjs.cache';

async function bundle(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run('node', ['out/cli/index.js', ...args], {
      env: { ...process.env, HC_CLI_CODE_CACHE: 'report', ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('command line: the bundle', { timeout: 300_000 }, () => {
  const data = mkdtempSync(join(tmpdir(), 'hc.bundle-'));

  beforeAll(buildCli);
  afterAll(() => removeDir(data));

  it('is fresh after a build: every input it was built from is listed and older than the build', async () => {
    const { stdout } = await run('node', [
      '--input-type=module',
      '-e',
      "const { isStale } = await import('./scripts/build-cli.mjs'); process.stdout.write(String(isStale()));",
    ]);
    expect(stdout).toBe('false');
    const { inputs } = JSON.parse(readFileSync('out/cli/inputs.json', 'utf8')) as { inputs: string[] };
    expect(inputs).toEqual(expect.arrayContaining([expect.stringMatching(/src-main[\\/]cli[\\/]index\.ts$/)]));
    expect(inputs).toEqual(
      expect.arrayContaining([expect.stringMatching(/src-main[\\/]ledger[\\/]verify-worker\.ts$/)]),
    );
  });

  it("answers --version with package.json's version and --help with the usage", async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await bundle(['--version'])).toMatchObject({ code: 0, stdout: `healthchain ${version}\n` });
    const help = await bundle(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage:');
    expect(help.stdout).toContain('practitioners');
    // Neither loads what a command needs (commands.cjs: the chart service, the node, the vault).
    expect(help.stderr).not.toContain('commands.cjs');
  });

  it('runs a command on the embedded node, then from the code cache; a damaged cache is compiled past and replaced', async () => {
    const practitioners = () => bundle(['practitioners', '--json', '--data', data]);
    const first = await practitioners();
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`started the embedded ledger node`);
    expect(first.stderr).toContain(data);
    expect(JSON.parse(first.stdout)).toEqual([]);
    expect(existsSync(cacheFile)).toBe(true); // written by this command, or by one of another test file meanwhile

    const second = await practitioners();
    expect(second).toMatchObject({ code: 0, stdout: first.stdout });
    expect(second.stderr).toContain('healthchain: code cache of commands.cjs used');
    // The embedded node's worker thread runs its own bundle file through its own cache.
    expect(second.stderr).toContain('healthchain: code cache of ledger-node.cjs used');

    writeFileSync(cacheFile, Buffer.from('not a code cache, but as long as one might be'.repeat(1000)));
    const damaged = await practitioners();
    expect(damaged).toMatchObject({ code: 0, stdout: first.stdout });
    expect(damaged.stderr).toContain('healthchain: code cache of commands.cjs rejected');
    const after = await practitioners();
    expect(after).toMatchObject({ code: 0, stdout: first.stdout });
    expect(after.stderr).toContain('healthchain: code cache of commands.cjs used');
  });

  it('compiles its code under its own V8 flags: a 4x interrupt budget (fewer functions optimised in a short command)', async () => {
    // V8 rejects a code cache made under other flags, so the cache the command line wrote tells which flags it ran
    // with: the same wrapper and source as scripts/cli-entry.mjs, compiled in a process with and without the flag.
    expect((await bundle(['practitioners', '--json', '--data', data])).code).toBe(0);
    const check = `
      const { readFileSync } = require('node:fs');
      const { Script } = require('node:vm');
      const source = readFileSync('out/cli/commands.cjs', 'latin1');
      const script = new Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', {
        filename: require('node:path').resolve('out/cli/commands.cjs'),
        cachedData: readFileSync('${cacheFile}'),
      });
      process.stdout.write(script.cachedDataRejected ? 'rejected' : 'used');`;
    const withFlag = await run('node', ['--interrupt-budget=270336', '-e', check]);
    const without = await run('node', ['-e', check]);
    expect(withFlag.stdout).toBe('used');
    expect(without.stdout).toBe('rejected');
  });

  it("loads sodium-native's own addon, as its binding.js would through require-addon", () => {
    // scripts/cli-sodium-binding.cjs stands in for node_modules/sodium-native/binding.js in the bundle: Node loads a
    // native addon once per file, so the same object means the same file.
    const require = createRequire(import.meta.url);
    const shim: unknown = require('../../../scripts/cli-sodium-binding.cjs');
    const own: unknown = require('sodium-native/binding.js');
    expect(shim).toBe(own);
    expect(typeof (shim as { crypto_sign_detached?: unknown }).crypto_sign_detached).toBe('function');
  });
});

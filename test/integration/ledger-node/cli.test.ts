// `npm run ledger`: foreground start, the exact "listening" line, clean stop on SIGTERM and SIGINT, defaults.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import driver from 'bigchaindb-driver';
import { describe, expect, it } from 'vitest';
import { makeKey } from './support/keys';
import { http, tempDataDir } from './support/target';
import { createTx } from './support/transactions';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cliPath = fileURLToPath(new URL('../../../src-main/ledger-node/cli.ts', import.meta.url));

interface RunningCli {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  exit(): Promise<number | null>;
}

/** The same program `npm run ledger` runs (tsx on cli.ts), started directly so signals reach it without npm between. */
function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunningCli> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c) => (out += c));
  child.stderr?.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; output so far:\n${out}`)), 30_000);
    const check = () => {
      const match = /^ledger listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] as string, output: () => out, exit: () => exited });
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${out}`));
    });
  });
}

describe('ledger CLI', () => {
  it('documents itself through npm run ledger -- --help', () => {
    const result = spawnSync('npm', ['run', '--silent', 'ledger', '--', '--help'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: npm run ledger -- [--port <port>] [--data <dir>] [--host <host>]');
    expect(result.stdout).toContain('SIGINT or SIGTERM');
  });

  it('refuses an unknown flag, a bad port, a short token, --open with a token and a bad --allow-host with exit code 2', () => {
    const token = 'a'.repeat(40);
    for (const args of [
      ['--prot', '1'],
      ['--port', '70000'],
      ['--token', 'short'],
      ['--open', '--token', token],
      ['--allow-host', 'a b'],
    ]) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', cliPath, ...args], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      expect([args.join(' '), result.status]).toEqual([args.join(' '), 2]);
      expect(result.stderr).toMatch(/^ledger: /);
    }
  });

  it('prints the listening line once it answers, serves, and stops cleanly on SIGTERM, keeping its data', async () => {
    // A dotted folder name (as `mktemp -d` or ~/hc.ledger give): lmdb once took such a path for a file (#16).
    const dir = tempDataDir('hc.ledger-cli-');
    const started: RunningCli[] = [];
    try {
      const cli = await startCli(['--port', '0', '--data', dir.path]);
      started.push(cli);
      const line = cli
        .output()
        .split('\n')
        .find((l) => l.startsWith('ledger listening on '));
      expect(line).toBe(`ledger listening on ${cli.url}`);
      // No --token / --open: a token is made up and printed once, and writes need it.
      const token = /^ledger token \(.*\): (\S+)$/m.exec(cli.output())?.[1] as string;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const tx = createTx(makeKey(), { n: 'cli' }, null);
      const post = (headers: Record<string, string>) =>
        http('POST', `${cli.url}/api/v1/transactions?mode=commit`, { body: JSON.stringify(tx), headers });
      expect((await post({})).status).toBe(401);
      expect((await post({ Authorization: `Bearer ${token}` })).status).toBe(202);
      cli.child.kill('SIGTERM');
      expect(await cli.exit()).toBe(0);
      expect(cli.output()).toContain('ledger: stopped');
      expect(existsSync(join(dir.path, 'data.mdb'))).toBe(true); // the folder holds the store; it is no file

      // HC_LEDGER_TOKEN names the token instead; it is not printed.
      const chosen = 'c'.repeat(48);
      const again = await startCli(['--data', dir.path, '--port=0'], { ...process.env, HC_LEDGER_TOKEN: chosen });
      started.push(again);
      expect(again.output()).not.toContain(chosen);
      expect((await http('GET', `${again.url}/api/v1/transactions?asset_id=${tx.id}`)).status).toBe(401);
      const authorised = { headers: { Authorization: `Bearer ${chosen}` } };
      expect((await http('GET', `${again.url}/api/v1/transactions?asset_id=${tx.id}`, authorised)).json()).toEqual([
        tx,
      ]);
      again.child.kill('SIGINT');
      expect(await again.exit()).toBe(0);
    } finally {
      for (const cli of started) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      dir.remove();
    }
  });

  it('says clearly when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dir = tempDataDir('ledger-cli-busy-');
    try {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', cliPath, '--port', String(port), '--data', dir.path],
        {
          cwd: repoRoot,
          encoding: 'utf8',
        },
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`ledger: cannot start: port ${port} is already in use`);
    } finally {
      blocker.close();
      dir.remove();
    }
  });

  it('refuses a second node on a folder in use: exit 1, the folder and the holder named', async () => {
    const dir = tempDataDir('hc.ledger-twice-');
    let first: RunningCli | undefined;
    try {
      first = await startCli(['--data', dir.path, '--port', '0', '--open']);
      const second = spawnSync(
        process.execPath,
        ['--import', 'tsx', cliPath, '--data', dir.path, '--port', '0', '--open'],
        {
          cwd: repoRoot,
          encoding: 'utf8',
        },
      );
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(
        `ledger: cannot start: the ledger folder ${dir.path} is in use by npm run ledger (pid ${first.child.pid})`,
      );
      expect(second.stdout).not.toContain('listening');
      // The first still serves.
      expect((await fetch(`${first.url}/api/v1/`)).status).toBe(200);
    } finally {
      first?.child.kill('SIGTERM');
      await first?.exit();
      dir.remove();
    }
  });

  it("defaults to port 9984, where the driver's default Connection finds it with --open, and to the app's ledger folder (XDG_CONFIG_HOME)", async () => {
    const home = tempDataDir('ledger-cli-home-');
    let cli: RunningCli | undefined;
    try {
      cli = await startCli(['--open'], { ...process.env, XDG_CONFIG_HOME: home.path });
      expect(cli.output()).toContain('open mode (--open)');
      expect(cli.url).toBe('http://127.0.0.1:9984');
      // The driver's default endpoint is http://localhost:9984/api/v1/.
      const DefaultConnection = driver.Connection as unknown as new () => InstanceType<typeof driver.Connection>;
      await expect(new DefaultConnection().searchAssets('anything')).resolves.toEqual([]);
      cli.child.kill('SIGTERM');
      expect(await cli.exit()).toBe(0);
      expect(cli.output()).toContain(`data directory: ${home.path}/HealthChain/ledger`);
    } finally {
      // Never leave a node holding 9984 behind a failed assertion.
      if (cli && cli.child.exitCode === null) cli.child.kill('SIGKILL');
      home.remove();
    }
  });
});

// `npm run bench -- cli-import [--count=1000] [--runs=1] [--node=embedded|process] [--launcher=npm|node]
//   [--tree=<dir>…]
//   [--profile=<dir>] [--node-options=<NODE_OPTIONS for the command>]`: issue #16's figure, `npm run cli -- import <folder>` end to end from the shell.
// Writes `count` valid FHIR R4 bundles (chartToFhir of the test chart, 7 resources each) into a temp folder once,
// creates an identity in a throwaway keychain service, then times the import command as a user runs it, in a child
// process: wall time from spawn to exit, and the CPU (user + sys) of the command and everything it waited for
// (/usr/bin/time). `--node=embedded` (default) lets the command start its own node in a fresh data folder;
// `--node=process` runs `npm run ledger` beforehand in its own process and adds that process's CPU during the import
// (/proc/<pid>/stat). Each `--tree` (default: this one) is another checkout with a built CLI, e.g. an older commit,
// timed round-robin with the others in the same run, so a shared host's load hits all alike. `--profile` writes
// V8 CPU profiles of the command (every thread) into <dir> (`node --cpu-prof`; HC_CLI_MINIFY=0 keeps names).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { chartToFhir } from '../../src-shared/records/fhir';
import { sampleChart } from '../fixtures/sample-chart';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + sys, all threads) a live process has used so far. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

interface Run {
  code: number;
  wall: number;
  cpu: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` under /usr/bin/time: wall from spawn to exit, CPU of it and its waited-for children. */
function timed(command: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const timeFile = join(tmpdir(), `hc-cli-import-time-${process.pid}-${randomBytes(4).toString('hex')}`);
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, ...command], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      rmSync(timeFile, { force: true });
      done({ code: code ?? -1, wall, cpu: user! + sys!, stdout, stderr });
    });
  });
}

/** The node as `npm run ledger` runs it, in its own process; answers once it prints its "listening" line. */
async function startLedgerProcess(tree: string, dataDir: string, token: string) {
  const child = spawn(
    'node',
    // What `npm run ledger` runs, in one process (tsx's own launcher would put the node in a child, whose CPU
    // /proc/<pid>/stat of the launcher does not count).
    ['--import', 'tsx', 'src-main/ledger-node/cli.ts', '--port', '0', '--data', dataDir],
    {
      cwd: tree,
      env: { ...process.env, HC_LEDGER_TOKEN: token },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((done, fail) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const found = /(http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (found && /listening/i.test(text)) done(found[1]!);
    });
    child.on('exit', (code) => fail(new Error(`npm run ledger exited ${code}: ${text}`)));
  });
  child.stdout.resume();
  return {
    url,
    cpu: () => cpuOf(child.pid!),
    stop: () =>
      new Promise<void>((done) => {
        child.removeAllListeners('exit');
        child.on('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

const load = () => loadavg()[0]!.toFixed(1);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a.startsWith('--')),
    options: {
      count: { type: 'string' },
      runs: { type: 'string' },
      node: { type: 'string' },
      launcher: { type: 'string' },
      tree: { type: 'string', multiple: true },
      profile: { type: 'string' },
      'node-options': { type: 'string' },
    },
    strict: false,
  });
  const count = Number(values.count ?? 1000);
  const runs = Number(values.runs ?? 1);
  const nodeKind = (values.node as string | undefined) ?? 'embedded';
  const launcher = (values.launcher as string | undefined) ?? 'npm';
  const trees = ((values.tree as string[] | undefined) ?? [process.cwd()]).map((t) => resolve(t));
  if (nodeKind !== 'embedded' && nodeKind !== 'process') throw new Error('--node=embedded or --node=process');

  const root = mkdtempSync(join(tmpdir(), 'hc-cli-import-'));
  const folder = join(root, 'bundles');
  mkdirSync(folder);
  for (let i = 0; i < count; i++) {
    const bundle = chartToFhir({ chartId: 'x', chart: sampleChart(`Imported ${i}`), versions: [] });
    writeFileSync(join(folder, `${String(i).padStart(5, '0')}.json`), JSON.stringify(bundle));
  }
  const service = `HealthChain-bench-cli-import-${randomBytes(6).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HEALTHCHAIN_KEYCHAIN_SERVICE: service,
    HEALTHCHAIN_CARD_KEY_SERVICE: `${service}-card-key`,
    HEALTHCHAIN_PASSWORD: 'correct horse battery staple',
  };
  // A profile needs node's own flags (NODE_OPTIONS refuses --cpu-prof), so it runs without npm.
  const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values.profile as string)}`] : [];
  const cli = (tree: string, args: string[]) =>
    launcher === 'npm' && !profile.length
      ? ['npm', 'run', '-s', 'cli', '--', ...args]
      : ['node', ...profile, join(tree, 'scripts/cli.mjs'), ...args];
  try {
    // Bundled before the clock (scripts/cli.mjs rebuilds a stale bundle); the identity lives in a ledger of its own.
    for (const tree of trees) execFileSync('node', ['scripts/build-cli.mjs'], { cwd: tree, stdio: 'inherit' });
    const made = await timed(
      cli(trees[0]!, [
        'identity',
        'create',
        '--name',
        'Dr. Bench',
        '--licence',
        'B-1',
        '--specialty',
        'General practice',
        '--data',
        join(root, 'id-ledger'),
      ]),
      trees[0]!,
      env,
    );
    if (made.code !== 0) throw new Error(`identity create failed: ${made.stderr}`);
    console.log(
      `cli-import: ${count} bundles, node ${nodeKind}, launcher ${launcher === 'npm' ? 'npm run cli' : 'node scripts/cli.mjs'}`,
    );
    for (let r = 0; r < runs; r++) {
      for (const tree of trees) {
        const dataDir = join(root, `run-${r}-${trees.indexOf(tree)}`, 'ledger');
        mkdirSync(dataDir, { recursive: true });
        const token = randomBytes(24).toString('hex');
        const ledger = nodeKind === 'process' ? await startLedgerProcess(tree, dataDir, token) : null;
        const where = ledger ? ['--node', ledger.url] : ['--data', dataDir];
        const outbox = ['--outbox', join(dataDir, '..', 'outbox')];
        const nodeCpuBefore = ledger?.cpu() ?? 0;
        const loadBefore = load();
        const result = await timed(cli(tree, ['import', folder, ...where, ...outbox]), tree, {
          ...env,
          HC_LEDGER_TOKEN: token,
          ...(values['node-options'] ? { NODE_OPTIONS: values['node-options'] as string } : {}),
        });
        const nodeCpu = ledger ? ledger.cpu() - nodeCpuBefore : 0;
        await ledger?.stop();
        const summary = result.stdout.trim().split('\n').at(-1) ?? '';
        if (result.code !== 0 || summary !== `Imported ${count} of ${count} bundle(s).`)
          throw new Error(`import failed (exit ${result.code}): ${summary}\n${result.stderr.slice(-2000)}`);
        const cpu = result.cpu + nodeCpu;
        console.log(
          `  ${tree}: ${fmt(result.wall, 2)} s wall = ${fmt(count / result.wall)} charts/s; CPU ${fmt(cpu, 2)} s` +
            `${ledger ? ` (CLI ${fmt(result.cpu, 2)} s, node ${fmt(nodeCpu, 2)} s)` : ''} = ${fmt((cpu / count) * 1000, 2)} ms a chart; load ${loadBefore} → ${load()}`,
        );
        rmSync(join(dataDir, '..'), { recursive: true, force: true });
      }
    }
  } finally {
    for (const s of [service, `${service}-card-key`])
      for (const { account } of await keytar.findCredentials(s)) await keytar.deletePassword(s, account);
    rmSync(root, { recursive: true, force: true });
  }
}

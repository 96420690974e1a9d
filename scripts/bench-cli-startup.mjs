// CLI start-up: how long from spawning a command until it has done what start-up is for.
//   node scripts/bench-cli-startup.mjs [runs=10] [only: a launcher's name contains this] [--base=<dir>]
//                                      [--commands=version,help,practitioners,list] [--with-tsx]
// Commands, and what their time is:
//   version        `--version`, until the process exits;
//   help           `--help`, until the process exits;
//   practitioners  `practitioners --node <stub>`, until its first HTTP request reaches the stub (a server here that
//                  answers 503: what follows the first request is not start-up);
//   list           `list --node <stub>`, the same, with an identity in the keychain: its key derivation (scrypt,
//                  ~0.3 s of one core, docs/SECURITY.md) runs while the chart service loads, and the first request
//                  waits for it. It needs a keychain (a D-Bus session with gnome-keyring, as the vault tests): the
//                  identity is made in a keychain service of its own (`identity create --data <temporary folder>`,
//                  on the embedded node) and deleted at the end.
// Each launcher and command runs once first, to completion, unmeasured: that run writes the bundle's code cache
// (scripts/cli-entry.mjs), as the first command after an install or a rebuild does. Then the launchers run in turn,
// round-robin, so a machine's changing load falls on all of them alike. --base adds the bundle in <dir> (an earlier
// build, e.g. a copy of out/cli made before a change: its index.js) as one more launcher: the same-run comparison
// docs/BENCHMARKS.md asks for. Besides wall time, the CPU the process (all its threads) had used by then, from
// /proc/<pid>/stat (Linux; 10 ms ticks), at the first request: less sensitive than wall time to other processes on the
// machine.
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildCli, isStale } from './build-cli.mjs';

const flag = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const base = flag('base');
const commands = (flag('commands') ?? 'version,help,practitioners,list').split(',');
const [runsArg, only] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const runs = Number(runsArg ?? 10);
const allLaunchers = {
  ...(base ? { [`node ${base}/index.js (base)`]: ['node', [`${base}/index.js`]] } : {}),
  ...(process.argv.includes('--with-tsx')
    ? { 'tsx src-main/cli/index.ts (from source)': ['node_modules/.bin/tsx', ['src-main/cli/index.ts']] }
    : {}),
  'node scripts/cli.mjs (what IT runs)': ['node', ['scripts/cli.mjs']],
  'node out/cli/index.js (the bundle itself)': ['node', ['out/cli/index.js']],
  'npm run cli (through npm)': ['npm', ['run', '-s', 'cli', '--']],
};

const launchers = Object.fromEntries(Object.entries(allLaunchers).filter(([name]) => !only || name.includes(only)));
if (isStale()) await buildCli();
let arrived = null;
const server = createServer((req, res) => {
  arrived?.();
  res.writeHead(503).end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}`;

const env = { ...process.env, HEALTHCHAIN_PASSWORD: 'correct horse battery staple' };
let cleanup = () => {};
if (commands.includes('list')) {
  env.HEALTHCHAIN_KEYCHAIN_SERVICE = `HealthChain-bench-startup-${process.pid}`;
  const data = mkdtempSync(join(tmpdir(), 'hc-bench-startup.'));
  const keytar = createRequire(import.meta.url)('keytar');
  cleanup = async () => {
    for (const { account } of await keytar.findCredentials(env.HEALTHCHAIN_KEYCHAIN_SERVICE))
      await keytar.deletePassword(env.HEALTHCHAIN_KEYCHAIN_SERVICE, account);
    rmSync(data, { recursive: true, force: true });
  };
  const made = await new Promise((resolve) => {
    const args = ['out/cli/index.js', 'identity', 'create', '--name', 'Dr Bench', '--specialty', 'GP'];
    const child = spawn('node', [...args, '--licence', 'B-1', '--data', data], { env, stdio: 'inherit' });
    child.on('exit', resolve);
  });
  if (made !== 0)
    throw new Error('identity create failed (see above; list needs a keychain: a D-Bus session with gnome-keyring)');
}

const argsOf = {
  version: ['--version'],
  help: ['--help'],
  practitioners: ['practitioners', '--node', url],
  list: ['list', '--node', url],
};

/** CPU seconds (user + system, all threads) the process has used so far, in ms; NaN where /proc is not there. */
function cpuOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function once([cmd, args], command, measured = true) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = spawn(cmd, [...args, ...argsOf[command]], { stdio: 'ignore', env });
    const timer = setTimeout(() => reject(new Error(`${cmd} ${command}: nothing in 30 s`)), 30_000);
    let cpu = NaN;
    const exitsAlone = command === 'version' || command === 'help';
    if (!exitsAlone)
      arrived = () => {
        arrived = null;
        const wall = ms();
        if (cmd === 'node') cpu = cpuOf(child.pid); // npm's pid is npm's, not the command line's
        if (!measured) return; // the warm-up runs to the end: its exit writes the code cache
        clearTimeout(timer);
        resolve({ wall, cpu });
        child.kill();
      };
    // For version and help, the exit is the end (their CPU is not shown: the process is gone by then).
    child.on('exit', (code) => {
      const wall = ms();
      clearTimeout(timer);
      if (exitsAlone || !measured) return resolve({ wall, cpu });
      setTimeout(() => arrived && reject(new Error(`${cmd} ${command} exited (${code}) before any request`)), 50);
    });
  });
}

try {
  for (const command of commands) for (const launcher of Object.values(launchers)) await once(launcher, command, false);
  const times = {};
  const load = [loadavg()[0]];
  for (let i = 0; i < runs; i++)
    for (const command of commands)
      for (const [name, launcher] of Object.entries(launchers))
        (times[`${command}: ${name}`] ??= []).push(await once(launcher, command));
  load.push(loadavg()[0]);
  const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * q) - 1)];
  console.log(
    `${runs} runs each, load average (1 min) ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end`,
  );
  for (const [name, samples] of Object.entries(times)) {
    const wall = samples.map((s) => s.wall);
    const cpu = samples.map((s) => s.cpu).filter((c) => !Number.isNaN(c));
    const cpuText = cpu.length ? `  CPU median ${quantile(cpu, 0.5)} ms` : '';
    console.log(
      `${name.padEnd(62)} median ${quantile(wall, 0.5).toFixed(0)} ms  p90 ${quantile(wall, 0.9).toFixed(0)} ms  min ${Math.min(...wall).toFixed(0)} ms${cpuText}`,
    );
  }
} finally {
  server.close();
  await cleanup();
}

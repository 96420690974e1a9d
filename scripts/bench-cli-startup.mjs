// CLI start-up: how long from spawning `… practitioners --node <url>` until its first HTTP request reaches the node
// (a stub server here, which answers 503 and ends the run: what follows the first request is not start-up).
//   node scripts/bench-cli-startup.mjs [runs=10] [only: a launcher's name contains this] [--base=<dir>]
// Each launcher is run in turn, round-robin, so a machine's changing load falls on all of them alike. --base adds the
// bundle in <dir> (an earlier build, e.g. a copy of out/cli made before a change) as one more launcher: the same-run
// comparison docs/BENCHMARKS.md asks for.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { buildCli, isStale } from './build-cli.mjs';

const base = process.argv.find((a) => a.startsWith('--base='))?.slice('--base='.length);
const [runsArg, only] = process.argv.slice(2).filter((a) => !a.startsWith('--base='));
const runs = Number(runsArg ?? 10);
const allLaunchers = {
  ...(base ? { [`node ${base}/index.js (base)`]: ['node', [`${base}/index.js`]] } : {}),
  'tsx src-main/cli/index.ts (before)': ['node_modules/.bin/tsx', ['src-main/cli/index.ts']],
  'node scripts/cli.mjs (after: npm run cli without npm)': ['node', ['scripts/cli.mjs']],
  'node out/cli/index.js (the bundle itself)': ['node', ['out/cli/index.js']],
  'npm run cli (after, through npm)': ['npm', ['run', '-s', 'cli', '--']],
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

function once([cmd, args]) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, [...args, 'practitioners', '--node', url], { stdio: 'ignore' });
    const timer = setTimeout(() => reject(new Error(`${cmd} sent no request in 30 s`)), 30_000);
    arrived = () => {
      arrived = null;
      clearTimeout(timer);
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
      child.kill();
    };
    child.on('exit', () => setTimeout(() => arrived && reject(new Error(`${cmd} exited before any request`)), 50));
  });
}

const times = Object.fromEntries(Object.keys(launchers).map((k) => [k, []]));
for (let i = 0; i < runs; i++)
  for (const [name, launcher] of Object.entries(launchers)) times[name].push(await once(launcher));
server.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(times))
  console.log(
    `${name.padEnd(56)} median ${median(xs).toFixed(0)} ms  min ${Math.min(...xs).toFixed(0)} ms  (${runs} runs)`,
  );

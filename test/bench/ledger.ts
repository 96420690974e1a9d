// `npm run bench -- ledger [--count=N] [--clients=N] [--rate=N] [--seconds=N] [--profile]`
//
// The embedded ledger node under load, measured from outside: the node runs in its own process (as in the app),
// and a second process (this same file, started with --as-load-generator) posts pre-generated signed CREATEs of
// ~765 bytes over HTTP on 127.0.0.1 with keep-alive connections. Reported:
//   1. committed tx/s with N concurrent clients posting in sync mode (202 only once the block is on disk);
//   2. p50/p99 latency at a fixed offered load (open loop, default 500 tx/s), measured from each request's
//      scheduled start so a stall is not hidden by clients waiting (no coordinated omission);
//   3. the raw single-core rate of SHA3-256 + Ed25519 verification of the same transactions: the physical limit
//      of a node that must hash and verify each transaction once.
// Bounded: a fixed number of transactions per phase, and a time limit on each phase.
import { fork } from 'node:child_process';
import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idPreimage, inputDigest, signingBase, validateTransaction, type Transaction } from '../../src-shared/ledger';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import { spawnLedgerNode } from '../../src-main/ledger-node/spawn';
import { makeKey } from '../integration/ledger-node/support/keys';
import { createTx } from '../integration/ledger-node/support/transactions';

const TARGET_TX_BYTES = 765;

interface Options {
  count: number;
  clients: number;
  rate: number;
  seconds: number;
}

function parseOptions(argv: string[]): Options {
  const get = (name: string, fallback: number) => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    const value = arg ? Number(arg.slice(name.length + 3)) : fallback;
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  return {
    count: get('count', 30_000),
    clients: get('clients', 128),
    rate: get('rate', 500),
    seconds: get('seconds', 10),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Transactions

/** Signed CREATEs padded to ~765 bytes of JSON, each from its own issuer, as a hospital's mix would be. */
function generate(count: number): string[] {
  const keys = Array.from({ length: 64 }, () => makeKey());
  const make = (i: number, pad: number) =>
    JSON.stringify(
      createTx(
        keys[i % keys.length]!,
        { type: 'hc.chart/1', chart: `c${i}-${Math.random().toString(36).slice(2)}`, pad: 'x'.repeat(pad) },
        { seq: 1, note: 'bench' },
      ),
    );
  const pad = Math.max(0, TARGET_TX_BYTES - make(0, 0).length);
  return Array.from({ length: count }, (_, i) => make(i, pad));
}

/** SHA3 of the id preimage and of the input's message, plus one Ed25519 verification, per transaction. */
function rawVerifyRate(bodies: string[]): { perSecond: number; checked: number } {
  const prepared = bodies.map((body) => {
    const tx = JSON.parse(body) as Transaction;
    const ff = Buffer.from(tx.inputs[0]!.fulfillment, 'base64url');
    const publicKey = ff.subarray(4, 36);
    const signature = ff.subarray(38, 102);
    return {
      idBytes: Buffer.from(idPreimage(tx)),
      // The texts are built outside the timed loop: only hashing and verifying are timed.
      messageBytes: Buffer.from(signingBase(tx)),
      digest: Buffer.from(inputDigest(tx, 0, nativeLedgerCrypto)),
      key: createPublicKey({
        key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]),
        format: 'der',
        type: 'spki',
      }),
      signature,
    };
  });
  const start = process.hrtime.bigint();
  let ok = 0;
  for (const p of prepared) {
    createHash('sha3-256').update(p.idBytes).digest();
    createHash('sha3-256').update(p.messageBytes).digest();
    if (edVerify(null, p.digest, p.key, p.signature)) ok += 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (ok !== prepared.length) throw new Error(`raw verification failed for ${prepared.length - ok} transactions`);
  return { perSecond: prepared.length / seconds, checked: prepared.length };
}

/** The full check the node runs (parse, schema, id, signatures) on one core, against an empty ledger. */
function fullValidationRate(bodies: string[]): number {
  const ctx = { getTransaction: () => null, spentBy: () => null };
  const start = process.hrtime.bigint();
  for (const body of bodies) {
    const result = validateTransaction(JSON.parse(body), ctx, nativeLedgerCrypto);
    if (!result.ok) throw new Error(`validation failed: ${result.error.message}`);
  }
  return bodies.length / (Number(process.hrtime.bigint() - start) / 1e9);
}

// ---------------------------------------------------------------------------------------------------------------
// Load generator (child process)

interface LoadCommand {
  readonly kind: 'throughput' | 'fixed-rate';
  readonly url: string;
  /** The node's bearer token (sent over the IPC channel, like the app's). */
  readonly token: string;
  readonly file: string;
  readonly clients: number;
  readonly rate: number;
  readonly seconds: number;
}

export interface LoadResult {
  readonly sent: number;
  readonly accepted: number;
  readonly failed: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
}

function post(agent: Agent, url: URL, body: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function runLoad(command: LoadCommand): Promise<LoadResult> {
  const bodies = readFileSync(command.file, 'utf8').split('\n').filter(Boolean);
  const url = new URL(`${command.url}/api/v1/transactions?mode=sync`);
  const agent = new Agent({ keepAlive: true, maxSockets: command.clients });
  const latenciesMs: number[] = [];
  let accepted = 0;
  let failed = 0;
  const deadline = performance.now() + command.seconds * 1000;
  const start = performance.now();
  if (command.kind === 'throughput') {
    let next = 0;
    const client = async () => {
      while (next < bodies.length && performance.now() < deadline) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const status = await post(agent, url, body, command.token);
        latenciesMs.push(performance.now() - t0);
        if (status === 202) accepted += 1;
        else failed += 1;
      }
    };
    await Promise.all(Array.from({ length: command.clients }, client));
  } else {
    // Open loop: request i is due at start + i / rate, whatever happened to the earlier ones.
    const total = Math.min(bodies.length, Math.floor(command.rate * command.seconds));
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / command.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(
        post(agent, url, bodies[i]!, command.token).then((status) => {
          latenciesMs.push(performance.now() - due);
          if (status === 202) accepted += 1;
          else failed += 1;
        }),
      );
    }
    await Promise.all(inFlight);
  }
  agent.destroy();
  return { sent: accepted + failed, accepted, failed, seconds: (performance.now() - start) / 1000, latenciesMs };
}

function startLoadGenerator(command: LoadCommand): Promise<LoadResult> {
  const self = fileURLToPath(import.meta.url);
  const child = fork(self, ['--as-load-generator'], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: LoadResult) => {
      resolve(message);
      child.disconnect();
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
    child.send(command);
  });
}

if (process.argv.includes('--as-load-generator')) {
  process.once('message', (command: LoadCommand) => {
    void runLoad(command).then((result) => process.send?.(result));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `machine: ${cpus().length} cores, ${cpu}, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  const rateCount = Math.ceil(options.rate * options.seconds);
  console.log(`generating ${fmt(options.count + rateCount)} signed CREATEs of ~${TARGET_TX_BYTES} bytes…`);
  const bodies = generate(options.count + rateCount);
  const meanBytes = bodies.reduce((sum, b) => sum + Buffer.byteLength(b), 0) / bodies.length;
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const throughputFile = join(dir, 'throughput.jsonl');
  const rateFile = join(dir, 'rate.jsonl');
  writeFileSync(throughputFile, bodies.slice(0, options.count).join('\n'));
  writeFileSync(rateFile, bodies.slice(options.count).join('\n'));

  const sample = bodies.slice(0, Math.min(bodies.length, 10_000));
  rawVerifyRate(sample.slice(0, 500)); // warm-up
  const raw = rawVerifyRate(sample);
  fullValidationRate(sample.slice(0, 500));
  const full = fullValidationRate(sample);

  // --profile writes a V8 CPU profile of the node process into ./ledger-node-profile/ (open it in Chrome DevTools).
  const nodeFlags = argv.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir=ledger-node-profile'] : [];
  const node = await spawnLedgerNode({ dataDir: join(dir, 'data'), nodeFlags });
  let throughput: LoadResult;
  let fixed: LoadResult;
  try {
    throughput = await startLoadGenerator({
      kind: 'throughput',
      url: node.url,
      token: node.token,
      file: throughputFile,
      clients: options.clients,
      rate: 0,
      seconds: 120,
    });
    fixed = await startLoadGenerator({
      kind: 'fixed-rate',
      url: node.url,
      token: node.token,
      file: rateFile,
      clients: 256,
      rate: options.rate,
      seconds: options.seconds,
    });
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const committedPerSecond = throughput.accepted / throughput.seconds;
  const tLat = [...throughput.latenciesMs].sort((a, b) => a - b);
  const fLat = [...fixed.latenciesMs].sort((a, b) => a - b);
  const p99 = percentile(fLat, 99);
  const share = committedPerSecond / raw.perSecond;
  const rows: [string, string, string][] = [
    ['transactions', `${fmt(throughput.sent)} + ${fmt(fixed.sent)} posted, mean ${fmt(meanBytes)} bytes`, ''],
    [
      'committed tx/s (sync mode)',
      `${fmt(committedPerSecond)} tx/s with ${options.clients} clients (${fmt(throughput.failed)} failed)`,
      `target ≥ 3,000: ${committedPerSecond >= 3000 ? 'met' : 'NOT met'}`,
    ],
    ['  latency under full load', `p50 ${fmt(percentile(tLat, 50), 1)} ms, p99 ${fmt(percentile(tLat, 99), 1)} ms`, ''],
    [
      `latency at ${fmt(options.rate)} tx/s offered`,
      `p50 ${fmt(percentile(fLat, 50), 1)} ms, p99 ${fmt(p99, 1)} ms, max ${fmt(fLat[fLat.length - 1] ?? NaN, 1)} ms (${fmt(fixed.accepted)} accepted, ${fmt(fixed.failed)} failed)`,
      `target p99 < 20 ms: ${p99 < 20 ? 'met' : 'NOT met'}`,
    ],
    ['raw SHA3 + Ed25519 verify, 1 core', `${fmt(raw.perSecond)} tx/s`, ''],
    ['full validation (core + node:crypto), 1 core', `${fmt(full)} tx/s`, ''],
    ['committed / raw limit', `${fmt(share * 100, 1)} %`, `target ≥ 50 %: ${share >= 0.5 ? 'met' : 'NOT met'}`],
  ];
  for (const [name, value, verdict] of rows)
    console.log(`${name.padEnd(44)} ${value}${verdict ? `   [${verdict}]` : ''}`);
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

// Warming the list's main-thread code before the doctor's first list. V8 compiles hot code only after it has run a
// while, so the first list of a fresh process ran its per-chart code (the node client and JSON, chain checks, the
// verify pool's messages, the X25519 unwrap and payload schema, the chart views) interpreted and unoptimised, and
// paid V8's optimising compiles (~0.5–0.9 s of CPU on its helper threads, profiled: docs/BENCHMARKS.md, helper
// list12f) while listing. The app calls service.warm() at start-up, before the doctor unlocks; this runs there, after
// the verify workers are warm, and lists sample charts through the real ChartList, ChartLoader, LedgerNodeClient and
// verify pool:
//  - the charts belong to a throwaway identity (random seed, never stored) and are built here, in memory; the node
//    client's transport answers from them (WarmUpAnswers): nothing is posted, nothing of the ledger is read;
//  - the HTTP client (undici, the client's read path) is warmed with real GETs of transactions of random asset ids
//    on the configured node (the list's own request, answered `[]`): they carry and return nothing, cost the node
//    microseconds each, and open no listening socket here. A node that does not answer ends that part.
// It gives way to a real list: it stops before its next round once any identity used the service, and each round
// (one chart list of `concurrency` charts) is short.
import { randomBytes } from 'node:crypto';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { CryptoProvider, Transaction } from '../../src-shared/ledger';
import type { Chart } from '../../src-shared/records/chart';
import { payloadOf } from '../../src-shared/records/payload';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import type { AnswerValidator } from '../ledger/answer-validation';
import type { HttpAnswer, Transport } from '../ledger/http-transport';
import { LedgerNodeClient, type NodeClientOptions } from '../ledger/node-client';
import { ChartList, mapLimit } from './chart-list';
import { ChartLoader } from './chart-loader';
import { Viewers, type ChartParts } from './chart-parts';
import { ChartStates } from './chart-states';
import { buildCreate, buildVersion } from './version-builder';

/** Sample charts, each listed once a round; one in four has a second version (an update), as real charts do. */
const SAMPLE_CHARTS = 64;
/**
 * Rounds of listing them (1,536 chart reads): measured at start-up (10,000-chart benchmark, docs/BENCHMARKS.md, helper
 * list12f) ~0.55–0.75 s of main-thread CPU and ~1.5 s of the process's CPU in all threads (V8's compiles, the verify
 * worker), in the seconds the doctor spends unlocking. V8 (--trace-opt, 3,000 charts) optimised 235–239 functions
 * during a first list with no warm-up, 157–191 after one of 12 to 40 rounds, ~80–145 in a warm process's next list.
 */
const ROUNDS = 24;
/** Real GETs warming the HTTP client (each answered `[]`), `concurrency` at a time as the list sends them. */
const HTTP_REQUESTS = 256;

export interface ListWarmUpOptions {
  crypto: CryptoProvider;
  /** The service's verify pool (already warm): the list's messages to it are part of what is warmed. */
  validator: AnswerValidator;
  /** Charts in flight, as the list's (DEFAULT_LIST_CONCURRENCY). */
  concurrency: number;
  /** Checked before every round and request: true once a real list (any identity) started; the warm-up stops. */
  stop: () => boolean;
  /** The configured nodes, for the HTTP part (null: none). */
  http: NodeClientOptions | null;
  rounds?: number;
}

export interface ListWarmUpReport {
  rounds: number;
  /** Charts listed in all rounds, and how many of them verified and opened clean (all must). */
  listed: number;
  clean: number;
  /** GETs the node answered. */
  requests: number;
  stopped: boolean;
}

/** A fictional chart, sized like a real one (the payload schema and the views see every kind of entry). */
function sampleChart(i: number): Chart {
  const date = `2026-0${1 + (i % 9)}-1${i % 10}`;
  return {
    patient: {
      name: `Warm-up sample ${i}`,
      given: 'Warm-up',
      family: `Sample ${i}`,
      birthDate: '1970-01-01',
      age: null,
      gender: i % 2 ? 'female' : 'male',
      visitDate: date,
      phone: '',
      email: '',
      address: '',
    },
    doctors: [
      { id: 'd1', name: 'Dr. Sample', specialty: 'General practice', signKey: '', role: 'current', status: 'active' },
    ],
    illnesses: [
      { id: 'i1', condition: 'Sample condition', codes: [], symptoms: 'None', onset: date, status: 'active' },
      {
        id: 'i2',
        condition: 'Resolved sample condition',
        codes: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Sample' }],
        symptoms: '',
        onset: '2020-01-01',
        status: 'resolved',
      },
    ],
    medications: [
      {
        id: 'm1',
        name: 'Sample medication',
        codes: [],
        dose: '500 mg',
        route: 'oral',
        frequency: 'twice daily',
        dosageText: '',
        start: date,
        end: '',
        status: 'active',
        prescribedBy: 'Dr. Sample',
      },
    ],
    visits: [{ id: 'v1', date, reason: 'Sample visit', notes: 'Nothing.', doctor: 'Dr. Sample', status: 'completed' }],
    allergies: [],
    immunizations: [],
    procedures: [],
    results: [],
  };
}

/** The node API answers of the sample charts, from memory: what the list asks, nothing else (404). */
class WarmUpAnswers implements Transport {
  private readonly chains = new Map<string, string>();
  private readonly lasts = new Map<string, string>();
  private readonly hits: string;

  constructor(
    private readonly boxKey: string,
    charts: readonly Transaction[][],
  ) {
    for (const chain of charts) {
      this.chains.set(chain[0]!.id, JSON.stringify(chain));
      this.lasts.set(chain[0]!.id, JSON.stringify(chain.slice(-1)));
    }
    this.hits = JSON.stringify(charts.flat().map((tx) => ({ id: tx.id, metadata: tx.metadata })));
  }

  async get(url: string): Promise<HttpAnswer> {
    const { pathname, searchParams } = new URL(url);
    const endpoint = pathname.slice(pathname.indexOf('/api/v1/') + 8);
    if (endpoint === 'transactions') {
      const id = searchParams.get('asset_id') ?? '';
      const text = (searchParams.get('last_tx') === 'true' ? this.lasts : this.chains).get(id);
      return { status: 200, text: text ?? '[]' };
    }
    // The list's reader search; any other search (envelope v3 discovery's tags) finds nothing.
    if (endpoint === 'metadata')
      return { status: 200, text: searchParams.get('search') === this.boxKey ? this.hits : '[]' };
    if (endpoint === 'assets' || endpoint === 'outputs') return { status: 200, text: '[]' };
    return { status: 404, text: '{"message":"Not found"}' };
  }

  async post(): Promise<HttpAnswer> {
    return { status: 403, text: '{"message":"the list warm-up posts nothing"}' };
  }

  close(): void {}
}

/** The sample charts: CREATEs sealed to the throwaway identity, every fourth followed by an update. */
async function sampleCharts(holder: KeyHolder, crypto: CryptoProvider): Promise<Transaction[][]> {
  const custodian = { signKey: holder.signKey, boxKey: holder.boxKey, name: 'Dr. Sample' };
  return mapLimit(
    Array.from({ length: SAMPLE_CHARTS }, (_, i) => i),
    8,
    async (i) => {
      const payload = payloadOf(sampleChart(i), null, custodian, []);
      const { tx: create } = await buildCreate(holder, payload, crypto);
      if (i % 4 !== 3) return [create];
      const { tx: update } = await buildVersion(holder, create, create.id, 'update', 2, payload, crypto);
      return [create, update];
    },
  );
}

/**
 * The list's parts over the sample answers: no cache, outbox, directory, authority or stream (none is the app's).
 * Keys in the order openChartParts gives them, so these objects share the real ones' hidden classes: code V8 compiles
 * for one shape would be thrown away ("wrong map") the first time the real list ran it on another.
 */
function warmUpParts(options: ListWarmUpOptions, client: LedgerNodeClient): ChartParts {
  const { crypto, validator } = options;
  const loader = new ChartLoader(client, { crypto, validator, cache: null, authors: null });
  return {
    options: { listConcurrency: options.concurrency },
    crypto,
    client,
    outbox: { forChart: () => [], all: () => [] },
    sender: null,
    validator,
    cache: null,
    loader,
    directory: { search: async () => [], nameOf: () => null },
    authority: { pinned: () => '' },
    authors: { active: () => false },
    stream: { connected: false },
    recent: null,
    viewers: new Viewers(),
    events: null,
  } as unknown as ChartParts;
}

/** Lists the sample charts `rounds` times (fresh loader each round: every chart verified and unwrapped again). */
async function listRounds(
  options: ListWarmUpOptions,
  holder: KeyHolder,
  client: LedgerNodeClient,
  report: ListWarmUpReport,
): Promise<void> {
  for (let round = 0; round < (options.rounds ?? ROUNDS); round++) {
    if (options.stop()) {
      report.stopped = true;
      return;
    }
    const parts = warmUpParts(options, client);
    const listed = await new ChartList(parts, new ChartStates(parts)).list(holder);
    report.rounds++;
    report.listed += listed.length;
    report.clean += listed.filter((c) => !c.tampered && c.chart !== null).length;
    // Gives way: a list asked for meanwhile starts before the next round.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Real GETs of random assets' transactions (answered `[]`) through a client of its own, closed after. */
async function warmHttp(options: ListWarmUpOptions, report: ListWarmUpReport): Promise<void> {
  if (!options.http) return;
  const client = new LedgerNodeClient({ ...options.http, readTimeoutMs: 2000, quarantineMs: 60_000 });
  let failed = false;
  try {
    await mapLimit(
      Array.from({ length: HTTP_REQUESTS }, (_, i) => i),
      options.concurrency,
      async () => {
        if (failed || options.stop()) return;
        try {
          await client.listTransactions(randomBytes(32).toString('hex'));
          report.requests++;
        } catch {
          failed = true; // no node answers now: the list will find out itself
        }
      },
    );
  } finally {
    client.close();
  }
}

export async function warmUpList(options: ListWarmUpOptions): Promise<ListWarmUpReport> {
  const report: ListWarmUpReport = { rounds: 0, listed: 0, clean: 0, requests: 0, stopped: false };
  if (options.stop()) return { ...report, stopped: true };
  const holder = new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);
  try {
    const charts = await sampleCharts(holder, options.crypto);
    const client = new LedgerNodeClient({
      nodeUrls: ['http://warm-up.invalid:9984'],
      transport: new WarmUpAnswers(holder.boxKey, charts),
    });
    await Promise.all([listRounds(options, holder, client, report), warmHttp(options, report)]);
  } finally {
    holder.lock();
  }
  report.stopped ||= options.stop();
  return report;
}

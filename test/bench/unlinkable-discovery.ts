// `npm run bench -- unlinkable-discovery [--own=10000] [--foreign=40000] [--catchup=50000] [--doctors=500]
//   [--shared=300] [--changed=300] [--window=4] [--batch=100]`   (only when named: it builds a large ledger)
//
// A prototype of envelope v3's discovery (docs/UNLINKABLE.md §4) on the embedded node's HTTP API, which answers
// searches as BigchainDB 2.2.2 does (MongoDB $text semantics, docs/PROTOCOL.md §6). Measured:
//   0. the hot primitives, pure TypeScript (src-shared/unlinkable) against libsodium (src-main/crypto);
//   1. cold list discovery of the doctor's own charts: (a) one *list tag* per chart in the CREATE's asset
//      (`asset.data.chart`, today a random 32-hex field), found with `GET /assets?search=` 100 tags at a time, whose
//      hits are ~140-byte `{data, id}`; (b) the first design, a self-intro tag in the metadata, whose hits carry the
//      whole ~7 KB v3 metadata;
//   2. charts other doctors shared with this one: intro tags of every directory pair, a window per pair;
//   3. the kiosk: one card-tag search;
//   4. catching up after N new foreign transactions: the next version tag of every own chart + the intro windows.
// The ledger is written straight into the node's store (unsigned transactions of v3's shape and sizes: the store
// indexes what the committer hands it, and a search never looks at signatures), then served by the real node over
// HTTP on 127.0.0.1. The node runs in this process, so every figure includes the node's work and the client's.
import { mkdtempSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ENVELOPE_V3_TYPE, SLOT_LENGTH } from '../../src-shared/unlinkable/layout';
import { toBase32 } from '../../src-shared/unlinkable/v3-fields';
import { ownerTweak, signTweaked, tweakPublicKey } from '../../src-shared/unlinkable/owner-keys';
import { introTag, pairKey, versionTag } from '../../src-shared/unlinkable/rendezvous';
import {
  introTagNative,
  introTagsNative,
  listKeyNative,
  listTagsNative,
  ownerTweakNative,
  pairKeyNative,
  tweakedSigner,
  tweakPublicKeyNative,
  versionTagNative,
} from '../../src-main/crypto/unlinkable-keys';
import { sodium } from '../../src-main/crypto/sodium';
import { LedgerStore, type CommitEntry } from '../../src-main/ledger-node/store/ledger-store';
import { startLedgerNode } from '../../src-main/ledger-node/node';
import { generateToken } from '../../src-main/ledger-node/http/access';

interface Options {
  own: number;
  foreign: number;
  catchup: number;
  doctors: number;
  shared: number;
  changed: number;
  window: number;
  batch: number;
}

function parseOptions(argv: string[]): Options {
  const get = (name: string, fallback: number) => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    const value = arg ? Number(arg.slice(name.length + 3)) : fallback;
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
    return value;
  };
  return {
    own: get('own', 10_000),
    foreign: get('foreign', 40_000),
    catchup: get('catchup', 50_000),
    doctors: get('doctors', 500),
    shared: get('shared', 300),
    changed: get('changed', 300),
    window: get('window', 4),
    batch: get('batch', 100),
  };
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const load = () => loadavg()[0]!.toFixed(1);
const hex = (n: number) => randomBytes(n).toString('hex');
// The byte fields as the app's writer writes them (lower-case base32: one search term each, docs/UNLINKABLE.md §2).
const b32 = (n: number) => toBase32(randomBytes(n));
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const base58ish = () => Array.from(randomBytes(44), (b) => B58[b % 58]).join('');

// ---------------------------------------------------------------------------------------------------------------
// 0. Primitives

function timeEach(label: string, runs: number, fn: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(20, runs); i++) fn(i); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn(i);
  const us = (ms(start) * 1000) / runs;
  console.log(`  ${label}: ${us.toFixed(1)} µs`);
  return us;
}

function primitives(): void {
  console.log(`0. primitives, µs each (load ${load()})`);
  const seed = new Uint8Array(randomBytes(32));
  const secret = new Uint8Array(randomBytes(32));
  const A = ed25519.getPublicKey(seed);
  const tweak = ownerTweak(secret, 1);
  const message = new Uint8Array(randomBytes(400));
  const w = nacl.box.keyPair();
  const r = nacl.box.keyPair();
  const pair = pairKeyNative(w.secretKey, r.publicKey, w.publicKey, r.publicKey);
  const signer = tweakedSigner(seed);
  const raw = new Uint8Array(32);
  for (const [what, js, native, runs] of [
    ['owner tweak', () => ownerTweak(secret, 1), () => ownerTweakNative(secret, 1), 2000],
    ['A + t·G', () => tweakPublicKey(A, tweak), () => tweakPublicKeyNative(A, tweak), 300],
    ['tweaked signature', () => signTweaked(seed, tweak, message), () => signer.use({ tweak, message }), 200],
    [
      'pair key (X25519 + HKDF)',
      () => pairKey(w.secretKey, r.publicKey, w.publicKey, r.publicKey),
      () => pairKeyNative(w.secretKey, r.publicKey, w.publicKey, r.publicKey),
      300,
    ],
    ['intro tag', (i: number) => introTag(pair, i), (i: number) => introTagNative(pair, i), 3000],
    ['version tag', (i: number) => versionTag(secret, i), (i: number) => versionTagNative(secret, i), 3000],
    [
      'intro tag, 100 at a time from one pair key (HKDF extract kept: one HMAC a tag)',
      (i: number) => Array.from({ length: 100 }, (_, k) => introTag(pair, i * 100 + k)),
      (i: number) => introTagsNative(pair, i * 100, 100),
      30,
    ],
  ] as const) {
    const a = timeEach(`${what}, pure TypeScript`, runs, js);
    const b = timeEach(`${what}, libsodium`, runs, native);
    console.log(`    → ${(a / b).toFixed(1)}× faster`);
  }
  // For comparison only: sodium-native's experimental raw-scalar signer (its own nonce, so not the design's bytes).
  sodium.crypto_core_ed25519_scalar_reduce(raw, new Uint8Array(randomBytes(64)));
  const sig = new Uint8Array(64);
  timeEach("tweaked signature, sodium-native's extension_tweak_ed25519_sign_detached (not used)", 200, () =>
    sodium.extension_tweak_ed25519_sign_detached(sig, message, raw),
  );
  signer.wipe();
}

// ---------------------------------------------------------------------------------------------------------------
// The ledger

const SLOTS_BYTES = 8 * SLOT_LENGTH;
const THRESHOLD_URI = 'ni:///sha-256;' + 'x'.repeat(43) + '?fpt=threshold-sha-256&cost=398336&subtypes=ed25519-sha-256';

/**
 * A transaction of v3's shape: custody output with four tweaked keys, 8 tags, 8 slots, a box of one size bucket
 * (4 KiB unless given). Also the unlinkable-ledger benchmark's foreign transactions.
 */
export function v3Tx(
  asset: { data?: unknown; id?: string },
  spends: string | null,
  tags: readonly string[],
  bucket = 4096,
): CommitEntry {
  const fill = Array.from({ length: 8 - tags.length }, () => hex(16));
  // Tags are shuffled into random places, as the writer does (a tag's place must say nothing).
  const allTags = [...tags, ...fill].sort(() => Math.random() - 0.5);
  const keys = [base58ish(), base58ish(), base58ish(), base58ish()];
  const body = {
    inputs: [
      {
        owners_before: [base58ish()],
        fulfills: spends ? { transaction_id: spends, output_index: 0 } : null,
        fulfillment: randomBytes(spends ? 330 : 100).toString('base64url'),
      },
    ],
    outputs: [
      {
        public_keys: keys,
        condition: {
          details: {
            type: 'threshold-sha-256',
            threshold: 1,
            subconditions: [
              { type: 'ed25519-sha-256', public_key: keys[0] },
              {
                type: 'threshold-sha-256',
                threshold: 2,
                subconditions: keys.slice(1).map((k) => ({ type: 'ed25519-sha-256', public_key: k })),
              },
            ],
          },
          uri: THRESHOLD_URI,
        },
        amount: '1',
      },
    ],
    operation: spends ? 'TRANSFER' : 'CREATE',
    metadata: {
      type: ENVELOPE_V3_TYPE,
      tags: allTags,
      slots: b32(SLOTS_BYTES),
      nonce: b32(24),
      box: b32(bucket + 16),
    },
    asset,
    version: '2.0',
  };
  const id = createHash('sha3-256').update(JSON.stringify(body)).digest('hex');
  const tx = { id, ...body };
  return { tx, json: JSON.stringify(tx) };
}

interface OwnChart {
  assetId: string;
  headId: string;
  /** The head's chart secret (the verified cache holds it). */
  secret: Buffer;
  seq: number;
}

interface World {
  me: nacl.BoxKeyPair;
  directory: Uint8Array[]; // foreign doctors' box keys
  selfPair: Uint8Array;
  listKey: Uint8Array;
  own: OwnChart[];
  /** Per foreign doctor index: how many intro tags it used towards me. */
  sharedCounters: Map<number, number>;
  sharedAssets: Set<string>;
  cardTag: string;
  cardAsset: string;
  foreignHeads: { asset: string; head: string }[];
}

// List tags (docs/UNLINKABLE.md §4): listKeyNative / listTagsNative, as the writer and discovery use them.
const listKeyOf = listKeyNative;
const listTag = (listKey: Uint8Array, j: number): string => listTagsNative(listKey, j, 1)[0]!;

/** A term lookup reads one chunk per stored run of the index: the runs are what a no-hit term costs. */
function printRuns(store: LedgerStore): void {
  for (const kind of ['assets', 'metadata'] as const) {
    const runs = store.indexRuns(kind);
    console.log(`  ${kind} index: ${runs.length} runs, ${runs.reduce((n, r) => n + r.chunks, 0)} chunks`);
  }
}

async function writeBlocks(store: LedgerStore, entries: CommitEntry[], perBlock = 100): Promise<void> {
  let durable: Promise<void> = Promise.resolve();
  for (let i = 0; i < entries.length; i += perBlock) {
    const written = await store.writeBlock(entries.slice(i, i + perBlock));
    durable = written.durable;
  }
  await durable;
}

async function buildLedger(dir: string, o: Options): Promise<World> {
  const me = nacl.box.keyPair();
  const directory = Array.from({ length: o.doctors }, () => nacl.box.keyPair());
  const selfPair = pairKeyNative(me.secretKey, me.publicKey, me.publicKey, me.publicKey);
  const world: World = {
    me,
    directory: directory.map((d) => d.publicKey),
    selfPair,
    listKey: listKeyOf(selfPair),
    own: [],
    sharedCounters: new Map(),
    sharedAssets: new Set(),
    cardTag: hex(16),
    cardAsset: '',
    foreignHeads: [],
  };
  const store = LedgerStore.open(dir);
  const start = process.hrtime.bigint();
  let written = 0;
  // Own charts: CREATE with the list tag in the asset and the self-intro tag in the metadata (so both discovery
  // methods can be measured on one ledger), then 0–2 later versions with version tags; foreign charts interleaved.
  const pending: CommitEntry[] = [];
  const flush = async () => {
    pending.sort(() => Math.random() - 0.5);
    await writeBlocks(store, pending.splice(0));
  };
  const foreignPerOwn = o.own > 0 ? o.foreign / o.own : 0;
  let foreignLeft = o.foreign;
  const foreignChart = (): CommitEntry[] => {
    const create = v3Tx({ data: { type: 'hc.chart/1', chart: hex(16) } }, null, [hex(16)]);
    const out = [create];
    let head = create.tx.id;
    const extra = Math.random() < 0.5 ? 1 : Math.random() < 0.5 ? 2 : 0;
    for (let k = 0; k < extra; k++) {
      const next = v3Tx({ id: create.tx.id }, head, [hex(16), hex(16)]);
      out.push(next);
      head = next.tx.id;
    }
    world.foreignHeads.push({ asset: create.tx.id, head });
    return out;
  };
  for (let j = 0; j < o.own; j++) {
    let secret = randomBytes(32);
    const create = v3Tx({ data: { type: 'hc.chart/1', chart: listTag(world.listKey, j) } }, null, [
      introTagNative(selfPair, j),
    ]);
    const chart: OwnChart = { assetId: create.tx.id, headId: create.tx.id, secret, seq: 0 };
    pending.push(create);
    for (let s = 1; s <= j % 3; s++) {
      const next = v3Tx({ id: chart.assetId }, chart.headId, [versionTagNative(secret, s)]);
      secret = randomBytes(32);
      Object.assign(chart, { headId: next.tx.id, secret, seq: s });
      pending.push(next);
    }
    world.own.push(chart);
    let quota = Math.round(foreignPerOwn * (j + 1)) - (o.foreign - foreignLeft);
    while (quota > 0 && foreignLeft > 0) {
      const txs = foreignChart();
      pending.push(...txs);
      foreignLeft -= txs.length;
      quota -= txs.length;
    }
    if (pending.length >= 2000) {
      written += pending.length;
      await flush();
    }
  }
  while (foreignLeft > 0) {
    const txs = foreignChart();
    pending.push(...txs);
    foreignLeft -= txs.length;
  }
  // Charts other doctors shared with me: a foreign version carrying the intro tag of K(W→me), counter per pair.
  for (let i = 0; i < o.shared; i++) {
    const w = i % Math.max(1, Math.min(50, o.doctors));
    const counter = world.sharedCounters.get(w) ?? 0;
    world.sharedCounters.set(w, counter + 1);
    const pair = pairKeyNative(directory[w]!.secretKey, me.publicKey, directory[w]!.publicKey, me.publicKey);
    const create = v3Tx({ data: { type: 'hc.chart/1', chart: hex(16) } }, null, [introTagNative(pair, counter)]);
    world.sharedAssets.add(create.tx.id);
    pending.push(create);
  }
  const card = v3Tx({ data: { type: 'hc.chart/1', chart: hex(16) } }, null, [world.cardTag]);
  world.cardAsset = card.tx.id;
  pending.push(card);
  written += pending.length;
  await flush();
  await store.settleIndexes();
  printRuns(store);
  await store.close();
  console.log(`  wrote ${written} transactions in ${(ms(start) / 1000).toFixed(1)} s (load ${load()})`);
  return world;
}

/** N new foreign transactions (new charts and new versions of foreign charts) and `changed` new own versions. */
async function appendCatchUp(dir: string, world: World, o: Options): Promise<Map<string, string>> {
  const store = LedgerStore.open(dir);
  const start = process.hrtime.bigint();
  const pending: CommitEntry[] = [];
  for (let i = 0; i < o.catchup; i++) {
    if (i % 2 === 0 || world.foreignHeads.length === 0) {
      pending.push(v3Tx({ data: { type: 'hc.chart/1', chart: hex(16) } }, null, [hex(16)]));
    } else {
      const k = Math.floor(Math.random() * world.foreignHeads.length);
      const chart = world.foreignHeads[k]!;
      const next = v3Tx({ id: chart.asset }, chart.head, [hex(16), hex(16)]);
      chart.head = next.tx.id;
      pending.push(next);
    }
  }
  // Own charts changed elsewhere (another workstation, a custodian move in): their next version tag is searched.
  const changed = new Map<string, string>();
  for (let i = 0; i < o.changed && i < world.own.length; i++) {
    const chart = world.own[Math.floor((i * world.own.length) / o.changed)]!;
    const next = v3Tx({ id: chart.assetId }, chart.headId, [versionTagNative(chart.secret, chart.seq + 1)]);
    changed.set(chart.assetId, next.tx.id);
    pending.push(next);
  }
  pending.sort(() => Math.random() - 0.5);
  await writeBlocks(store, pending);
  await store.settleIndexes();
  printRuns(store);
  await store.close();
  console.log(`  appended ${pending.length} transactions in ${(ms(start) / 1000).toFixed(1)} s (load ${load()})`);
  return changed;
}

// ---------------------------------------------------------------------------------------------------------------
// Discovery over HTTP

interface SearchStats {
  requests: number;
  bytes: number;
  hits: number;
  maxLine: number;
}

function searcher(apiUrl: string, token: string) {
  const stats: SearchStats = { requests: 0, bytes: 0, hits: 0, maxLine: 0 };
  const search = async (kind: 'assets' | 'metadata', tags: readonly string[]) => {
    // '+' is a space in a query string: one request line of ~3.4 KB for 100 tags, under gunicorn's 4,094 bytes.
    const path = `/api/v1/${kind}/?search=${tags.join('+')}`;
    stats.maxLine = Math.max(stats.maxLine, `GET ${path} HTTP/1.1`.length);
    const response = await fetch(`${apiUrl.replace(/\/api\/v1\/?$/, '')}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${kind} search answered ${response.status}: ${text.slice(0, 200)}`);
    stats.requests += 1;
    stats.bytes += text.length;
    const hits = JSON.parse(text) as { id: string; data?: { chart?: string }; metadata?: { tags?: string[] } }[];
    stats.hits += hits.length;
    return hits;
  };
  return { search, stats };
}

async function inBatches<T>(items: readonly T[], size: number, parallel: number, fn: (batch: T[]) => Promise<void>) {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, batches.length) }, async () => {
      while (next < batches.length) await fn(batches[next++]!);
    }),
  );
}

/** Walks a tag sequence in batches until a whole batch finds nothing (a look-ahead of one batch). */
async function walkSequence(
  kind: 'assets' | 'metadata',
  tagOf: (j: number) => string,
  batch: number,
  parallel: number,
  search: ReturnType<typeof searcher>['search'],
): Promise<Map<string, string>> {
  const found = new Map<string, string>(); // tag → tx id
  let from = 0;
  for (;;) {
    // `parallel` batches at a time; stop after a round whose last batch found nothing.
    const round = Array.from({ length: parallel * batch }, (_, i) => tagOf(from + i));
    const before = found.size;
    let lastBatchHits = 0;
    await inBatches(round, batch, parallel, async (tags) => {
      const wanted = new Set(tags);
      const hits = await search(kind, tags);
      let n = 0;
      for (const hit of hits) {
        const tag = kind === 'assets' ? hit.data?.chart : (hit.metadata?.tags ?? []).find((t) => wanted.has(t));
        if (tag && wanted.has(tag)) {
          found.set(tag, hit.id);
          n += 1;
        }
      }
      if (tags[tags.length - 1] === round[round.length - 1]) lastBatchHits = n;
    });
    from += round.length;
    if (lastBatchHits === 0 || found.size === before) return found;
  }
}

async function measure(
  dir: string,
  world: World,
  o: Options,
  phase: 'cold' | 'catch-up',
  changed?: Map<string, string>,
) {
  const token = generateToken();
  const node = await startLedgerNode({ dataDir: dir, port: 0, access: { kind: 'token', token } });
  const PARALLEL = 4;
  try {
    const run = async <T>(label: string, fn: (s: ReturnType<typeof searcher>) => Promise<T>): Promise<T> => {
      const s = searcher(node.apiUrl, token);
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const result = await fn(s);
      const used = process.cpuUsage(cpu);
      const { requests, bytes, hits, maxLine } = s.stats;
      // CPU time of this process (node and client together, as both run here): less sensitive than wall time to
      // the other sessions sharing the host's two cores.
      console.log(
        `  ${label}: ${ms(start).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU, ${requests} requests, ${hits} hits, ${(bytes / 1e6).toFixed(1)} MB, longest request line ${maxLine} B (load ${load()})`,
      );
      return result;
    };
    // Warm the node's index pages the way a running node has them: one throw-away search.
    await searcher(node.apiUrl, token).search('metadata', [hex(16)]);
    await run('no-hit search of 100 random tags, metadata (×10)', async (s) => {
      for (let i = 0; i < 10; i++)
        await s.search(
          'metadata',
          Array.from({ length: 100 }, () => hex(16)),
        );
    });
    await run('no-hit search of 100 random tags, assets (×10)', async (s) => {
      for (let i = 0; i < 10; i++)
        await s.search(
          'assets',
          Array.from({ length: 100 }, () => hex(16)),
        );
    });
    // Intro windows: every directory pair towards me, `window` tags each; pairs with hits continue.
    const pairs = world.directory.map((W) => pairKeyNative(world.me.secretKey, W, W, world.me.publicKey));
    // Cold, every pair starts at 0; catching up, at the counters the workstation kept (the shares already found).
    const introScan = (s: ReturnType<typeof searcher>) => async () => {
      const counters = pairs.map((_, p) => (phase === 'cold' ? 0 : (world.sharedCounters.get(p) ?? 0)));
      const found = new Set<string>();
      let active = pairs.map((_, i) => i);
      while (active.length > 0) {
        const tags: { tag: string; pair: number }[] = [];
        for (const p of active)
          for (const tag of introTagsNative(pairs[p]!, counters[p]!, o.window)) tags.push({ tag, pair: p });
        const hitPairs = new Set<number>();
        await inBatches(tags, o.batch, PARALLEL, async (batch) => {
          const byTag = new Map(batch.map((t) => [t.tag, t.pair]));
          for (const hit of await s.search(
            'metadata',
            batch.map((t) => t.tag),
          )) {
            const tag = (hit.metadata?.tags ?? []).find((t) => byTag.has(t));
            if (tag !== undefined) {
              found.add(hit.id);
              hitPairs.add(byTag.get(tag)!);
            }
          }
        });
        for (const p of active) counters[p]! += o.window;
        active = active.filter((p) => hitPairs.has(p));
      }
      return found;
    };

    if (phase === 'cold') {
      // Tags are derived once, timed apart from the searches (a workstation derives them as it signs in).
      const derive = process.hrtime.bigint();
      const ahead = o.own + PARALLEL * o.batch * 2;
      const listTags = Array.from({ length: ahead }, (_, j) => listTag(world.listKey, j));
      const selfTags = Array.from({ length: ahead }, (_, j) => introTagNative(world.selfPair, j));
      console.log(`  deriving ${listTags.length * 2} list and self-intro tags: ${ms(derive).toFixed(0)} ms`);
      const tagFrom = (tags: string[], make: (j: number) => string) => (j: number) => tags[j] ?? make(j);
      const byAsset = await run(`(a) own charts by list tag in the asset, ${o.batch} a search`, (s) =>
        walkSequence(
          'assets',
          tagFrom(listTags, (j) => listTag(world.listKey, j)),
          o.batch,
          PARALLEL,
          s.search,
        ),
      );
      const okA = world.own.every((c, j) => byAsset.get(listTag(world.listKey, j)) === c.assetId);
      console.log(`    found ${byAsset.size} of ${world.own.length} own charts, every one right: ${okA}`);
      const byMeta = await run(`(b) own charts by self-intro tag in the metadata, ${o.batch} a search`, (s) =>
        walkSequence(
          'metadata',
          tagFrom(selfTags, (j) => introTagNative(world.selfPair, j)),
          o.batch,
          PARALLEL,
          s.search,
        ),
      );
      console.log(`    found ${byMeta.size} of ${world.own.length} own charts`);
      const shared = await run(`shared with me: ${pairs.length} pairs × window ${o.window}`, (s) => introScan(s)());
      const okShared = [...world.sharedAssets].every((id) => shared.has(id));
      console.log(`    found ${shared.size} of ${world.sharedAssets.size} shared charts, all: ${okShared}`);
      await run('kiosk: one card-tag search', async (s) => {
        const hits = await s.search('metadata', [world.cardTag]);
        if (hits.length !== 1 || hits[0]!.id !== world.cardAsset)
          throw new Error('the card tag did not find its chart');
      });
      await run('kiosk: card-tag search + the chart by asset id', async (s) => {
        await s.search('metadata', [world.cardTag]);
        const r = await fetch(`${node.apiUrl.replace(/\/$/, '')}/transactions?asset_id=${world.cardAsset}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (r.status !== 200) throw new Error(`transactions answered ${r.status}`);
        await r.text();
      });
    } else {
      // The verified cache knows every own chart's head and secret: search each next version tag.
      const derive = process.hrtime.bigint();
      const tagToAsset = new Map(world.own.map((c) => [versionTagNative(c.secret, c.seq + 1), c.assetId]));
      console.log(`  deriving ${tagToAsset.size} next version tags: ${ms(derive).toFixed(0)} ms`);
      const found = await run(`next version tags of ${world.own.length} own charts, ${o.batch} a search`, async (s) => {
        const hits = new Map<string, string>();
        await inBatches([...tagToAsset.keys()], o.batch, PARALLEL, async (tags) => {
          const wanted = new Set(tags);
          for (const hit of await s.search('metadata', tags)) {
            const tag = (hit.metadata?.tags ?? []).find((t) => wanted.has(t));
            if (tag) hits.set(tagToAsset.get(tag)!, hit.id);
          }
        });
        return hits;
      });
      const ok = [...changed!].every(([asset, id]) => found.get(asset) === id) && found.size === changed!.size;
      console.log(`    found ${found.size} changed charts of ${changed!.size}, exactly those: ${ok}`);
      await run(`intro windows again: ${pairs.length} pairs × window ${o.window}`, (s) => introScan(s)());
    }
  } finally {
    await node.stop();
  }
}

export async function main(argv: string[]): Promise<void> {
  const o = parseOptions(argv);
  console.log(`options ${JSON.stringify(o)}`);
  primitives();
  const dir = mkdtempSync(join(tmpdir(), 'hc-bench-unlinkable-'));
  try {
    console.log(`1. building the ledger (${o.own} own charts, ${o.foreign} foreign transactions)`);
    const world = await buildLedger(dir, o);
    await measure(dir, world, o, 'cold');
    console.log(`2. catching up after ${o.catchup} foreign transactions and ${o.changed} own changes`);
    const changed = await appendCatchUp(dir, world, o);
    await measure(dir, world, o, 'catch-up', changed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

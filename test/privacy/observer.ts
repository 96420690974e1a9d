// TEST-ONLY: the observer of issue #15 (docs/UNLINKABLE.md §1). It holds every ledger byte a node answers and the
// public practitioner directory, nothing else: no key, no card, no app state. From that it tries to tell, per chart,
// which doctors own, wrote or can read it, which charts belong to one patient, which action each version is, when it
// happened to finer than its block, and how large it is.
//
// Method (kept generic on purpose, so the same observer measures envelope v3 later and must then fall to chance):
// - Collect: every block (`GET /api/v1/blocks/{h}` from 1 until 404), the directory (`GET /api/v1/assets?search=`
//   `hc.practitioner`), and `GET /api/v1/metadata?search=<key>` for every directory key.
// - Features per version: every string anywhere in the transaction that is a base58 32-byte key, by where it sits
//   (output owner, input signer, metadata), mapped to a directory doctor where it is one of their keys; metadata
//   search hits; the length of the longest base64 string in the metadata (the box); any ISO time in the metadata; a
//   clear `action` field if there is one.
// - Doctors: a chart's owner is the directory doctor whose key owns its newest output; its readers are every
//   directory doctor whose key appears in its newest version or whose search finds it. No evidence: a uniform random
//   guess (seeded), which is what chance is.
// - Patients: charts are linked when they share a key outside the directory (a card key), or when their first
//   versions' boxes are each other's nearest in length within SIZE_SLACK characters (a referral copied from one
//   chart to another seals nearly the same payload); linked charts form clusters (union-find). Scored with the adjusted Rand index,
//   whose chance level is 0.
// - Timing (positions only, which v3 leaves visible): the observer cuts the chart versions into *sessions*, maximal
//   runs of versions whose blocks are at most ADJACENT_BLOCKS apart, and links the charts one session touches (a
//   doctor's sitting writes several charts in the same or adjacent blocks). A session touching more than half the
//   charts is no evidence (a busy ledger is one long run). Scored as a grouping by doctor and by patient (ARI), kept
//   apart from the key and size links so each kind of evidence is measured on its own.
// - Opaque tokens (what envelope v3 shows instead of keys, read as an observer would): every 32-hex-digit string in
//   the asset or metadata (the chart's list tag, rendezvous tags and fillers), the first 8 bytes of every 112-byte
//   reader slot in a base64 `slots` field (the slot tags), and every output or input key outside the directory. Two
//   charts that show one token are linked as one patient (evidence `patientLinksByTag`), as shared card keys are; a
//   token in more than half the charts is no evidence. Where nothing repeats across charts this adds no link.
// - Actions: the clear `action` field when present; otherwise (the "structural" guess) from what changed against the
//   previous version: new owner key → custody, more metadata keys → share, fewer → unshare, same box length →
//   revoke/restore, else update.
import { fromBase58 } from '../../src-shared/crypto/bytes';
export { prng } from '../fixtures/prng';
import { prng } from '../fixtures/prng';

export interface RawTx {
  id: string;
  operation: string;
  asset: { id?: string; data?: Record<string, unknown> | null };
  metadata: unknown;
  inputs: { owners_before: string[] }[];
  outputs: { public_keys: string[] }[];
}

export interface DirectoryDoctor {
  signKey: string;
  boxKey: string;
  name: string;
  specialty: string;
}

/** Everything the observer holds: raw answers of the node's public API. */
export interface RawLedger {
  blocks: { height: number; transactions: RawTx[] }[];
  directory: DirectoryDoctor[];
  /** directory key → transaction ids `metadata?search=<key>` answered. */
  searchHits: Map<string, string[]>;
}

export async function collectLedger(nodeUrl: string, headers: Record<string, string>): Promise<RawLedger> {
  const get = async (path: string) => {
    const response = await fetch(`${nodeUrl}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const blocks: RawLedger['blocks'] = [];
  for (let height = 1; ; height++) {
    const { status, body } = await get(`/api/v1/blocks/${height}`);
    if (status === 404) break;
    if (status !== 200) throw new Error(`block ${height}: HTTP ${status}`);
    blocks.push(body as RawLedger['blocks'][number]);
  }
  const assets = (await get('/api/v1/assets?search=hc.practitioner')).body as { data: Record<string, unknown> }[];
  const directory = assets
    .map((a) => a.data)
    .filter((d) => d.type === 'hc.practitioner/1')
    .map((d) => ({ signKey: `${d.signKey}`, boxKey: `${d.boxKey}`, name: `${d.name}`, specialty: `${d.specialty}` }));
  const searchHits = new Map<string, string[]>();
  for (const key of directory.flatMap((d) => [d.signKey, d.boxKey])) {
    const hits = (await get(`/api/v1/metadata?search=${key}`)).body as { id: string }[];
    searchHits.set(
      key,
      hits.map((h) => h.id),
    );
  }
  return { blocks, directory, searchHits };
}

export interface ObservedVersion {
  txId: string;
  height: number;
  operation: string;
  ownerKeys: string[];
  signerKeys: string[];
  metadataKeys: string[];
  boxLength: number;
  clearTimes: string[];
  clearAction: string | null;
  /** Opaque tokens (see the method): tags, slot tags, non-key owner strings; matched across charts only. */
  tokens: string[];
}

export interface ObservedChart {
  chartId: string;
  versions: ObservedVersion[];
}

export interface Guesses {
  charts: ObservedChart[];
  /** chart id → the directory signKey guessed as owner of the newest version. */
  owner: Map<string, string>;
  /** chart id → directory signKeys guessed able to read the newest version. */
  readers: Map<string, Set<string>>;
  /** chart id → patient cluster number. */
  patientCluster: Map<string, number>;
  /** chart id → cluster number from timing alone (charts written in the same session of adjacent blocks). */
  timingCluster: Map<string, number>;
  /** tx id → action, from the clear field where there is one, else structural. */
  action: Map<string, string>;
  /** tx id → action from structure alone (what is left once the clear field is gone). */
  structuralAction: Map<string, string>;
  /** Versions whose metadata holds a time (finer than the block). */
  timedVersions: number;
  /** Charts whose first box length no other chart has. */
  uniqueSizes: number;
  /** How many guesses rest on evidence rather than chance: owners and reader sets found, patient links made. */
  evidence: {
    owners: number;
    readerSets: number;
    patientLinksByKey: number;
    patientLinksBySize: number;
    patientLinksByTag: number;
    timingLinks: number;
  };
}

const KEY_TEXT = /^[1-9A-HJ-NP-Za-km-z]{43,44}$/;
const isKey = (s: string) => KEY_TEXT.test(s) && safeLength(s) === 32;
/** Base64 characters two copies of one record may differ by in their first box. */
export const SIZE_SLACK = 16;
/** Blocks apart that still count as one sitting: the same block (0) or the next one (1). */
export const ADJACENT_BLOCKS = 1;
const HEX_TAG = /^[0-9a-f]{32}$/;
/** A v3 reader slot: slotTag(8) ‖ ephemeral key(32) ‖ nonce(24) ‖ sealed data key(48); its first 8 bytes are the tag. */
const SLOT_BYTES = 112;
const SLOT_TAG_BYTES = 8;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function safeLength(s: string): number {
  try {
    return fromBase58(s).length;
  } catch {
    return -1;
  }
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

const uniq = (xs: string[]) => [...new Set(xs)];

function versionOf(tx: RawTx, height: number): ObservedVersion {
  const meta = strings(tx.metadata);
  const action =
    tx.metadata && typeof tx.metadata === 'object' && typeof (tx.metadata as { action?: unknown }).action === 'string'
      ? (tx.metadata as { action: string }).action
      : null;
  return {
    txId: tx.id,
    height,
    operation: tx.operation,
    ownerKeys: uniq(tx.outputs.flatMap((o) => o.public_keys).filter(isKey)),
    signerKeys: uniq(tx.inputs.flatMap((i) => i.owners_before).filter(isKey)),
    metadataKeys: uniq(meta.filter(isKey)),
    boxLength: Math.max(0, ...meta.filter((s) => s.length > 64 && /^[A-Za-z0-9+/=_-]+$/.test(s)).map((s) => s.length)),
    clearTimes: meta.filter((s) => ISO_TIME.test(s)),
    clearAction: action,
    tokens: tokensOf(tx, meta),
  };
}

function slotTags(metadata: unknown): string[] {
  const slots = metadata && typeof metadata === 'object' ? (metadata as { slots?: unknown }).slots : undefined;
  if (typeof slots !== 'string') return [];
  const bytes = Buffer.from(slots, 'base64');
  const tags: string[] = [];
  for (let at = 0; at + SLOT_BYTES <= bytes.length; at += SLOT_BYTES)
    tags.push(`slot:${bytes.subarray(at, at + SLOT_TAG_BYTES).toString('hex')}`);
  return tags;
}

function tokensOf(tx: RawTx, meta: string[]): string[] {
  const asset = tx.operation === 'CREATE' ? strings(tx.asset.data) : [];
  const keys = [...tx.outputs.flatMap((o) => o.public_keys), ...tx.inputs.flatMap((i) => i.owners_before)];
  return uniq([...[...asset, ...meta].filter((s) => HEX_TAG.test(s)), ...slotTags(tx.metadata), ...keys]);
}

export function observe(ledger: RawLedger, seed = 15): Guesses {
  const random = prng(seed);
  const doctorOfKey = new Map<string, string>();
  for (const d of ledger.directory) {
    doctorOfKey.set(d.signKey, d.signKey);
    doctorOfKey.set(d.boxKey, d.signKey);
  }
  const directoryAssets = new Set<string>();
  const byChart = new Map<string, ObservedChart>();
  for (const block of ledger.blocks) {
    for (const tx of block.transactions) {
      const data = tx.operation === 'CREATE' ? tx.asset.data : null;
      if (data && data.type !== 'hc.chart/1') {
        directoryAssets.add(tx.id);
        continue;
      }
      const chartId = tx.operation === 'CREATE' ? tx.id : tx.asset.id;
      if (!chartId || directoryAssets.has(chartId)) continue;
      const chart = byChart.get(chartId) ?? { chartId, versions: [] };
      chart.versions.push(versionOf(tx, block.height));
      byChart.set(chartId, chart);
    }
  }
  const charts = [...byChart.values()].filter((c) => c.versions[0]?.operation === 'CREATE');
  const hitsByTx = new Map<string, Set<string>>();
  for (const [key, ids] of ledger.searchHits) {
    for (const id of ids) {
      const set = hitsByTx.get(id) ?? new Set();
      set.add(doctorOfKey.get(key)!);
      hitsByTx.set(id, set);
    }
  }
  const doctors = ledger.directory.map((d) => d.signKey);
  const pick = () => doctors[Math.floor(random() * doctors.length)]!;

  const evidence = {
    owners: 0,
    readerSets: 0,
    patientLinksByKey: 0,
    patientLinksBySize: 0,
    patientLinksByTag: 0,
    timingLinks: 0,
  };
  const owner = new Map<string, string>();
  const readers = new Map<string, Set<string>>();
  for (const chart of charts) {
    const head = chart.versions.at(-1)!;
    const owners = head.ownerKeys.map((k) => doctorOfKey.get(k)).filter((d): d is string => !!d);
    if (owners.length) evidence.owners++;
    owner.set(chart.chartId, owners[0] ?? pick());
    const found = new Set<string>();
    for (const k of [...head.metadataKeys, ...head.ownerKeys]) if (doctorOfKey.has(k)) found.add(doctorOfKey.get(k)!);
    for (const d of hitsByTx.get(head.txId) ?? []) found.add(d);
    if (found.size) evidence.readerSets++;
    else for (const d of doctors) if (random() < 0.5) found.add(d);
    readers.set(chart.chartId, found);
  }

  // Patients: union-find over charts linked by a shared non-directory key or a shared rare first-box length.
  const parent = new Map(charts.map((c) => [c.chartId, c.chartId]));
  const find = (x: string): string => (parent.get(x) === x ? x : find(parent.get(x)!));
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  const chartsOfKey = new Map<string, string[]>();
  const chartsOfSize = new Map<number, string[]>();
  for (const chart of charts) {
    const foreign = uniq(chart.versions.flatMap((v) => v.metadataKeys)).filter((k) => !doctorOfKey.has(k));
    for (const k of foreign) chartsOfKey.set(k, [...(chartsOfKey.get(k) ?? []), chart.chartId]);
    const size = chart.versions[0]!.boxLength;
    chartsOfSize.set(size, [...(chartsOfSize.get(size) ?? []), chart.chartId]);
  }
  // A key in most charts is a hospital-wide one (the recovery key), not a patient's.
  for (const ids of chartsOfKey.values())
    if (ids.length > 1 && ids.length <= charts.length / 2) {
      evidence.patientLinksByKey += ids.length - 1;
      for (const id of ids.slice(1)) union(ids[0]!, id);
    }
  // Tokens: the same opaque value in two charts (directory keys are the doctors', not a patient's).
  const chartsOfToken = new Map<string, Set<string>>();
  for (const chart of charts)
    for (const t of chart.versions.flatMap((v) => v.tokens))
      if (!doctorOfKey.has(t)) chartsOfToken.set(t, (chartsOfToken.get(t) ?? new Set()).add(chart.chartId));
  for (const set of chartsOfToken.values()) {
    const ids = [...set];
    if (ids.length < 2 || ids.length > charts.length / 2) continue;
    for (const id of ids.slice(1)) {
      if (find(id) === find(ids[0]!)) continue;
      evidence.patientLinksByTag++;
      union(ids[0]!, id);
    }
  }
  // Sizes: mutual nearest neighbours whose first boxes differ by at most SIZE_SLACK characters (the custodian's
  // name and base58 keys vary by a few bytes between two copies of one record).
  const first = charts.map((c) => ({ id: c.chartId, size: c.versions[0]!.boxLength }));
  // Ties are broken at random, once per chart: equal sizes say nothing, and ledger order must not stand in for them.
  const nearestOf = first.map((_, i) => {
    const distance = (j: number) => Math.abs(first[j]!.size - first[i]!.size);
    const others = first.map((_, j) => j).filter((j) => j !== i);
    const best = Math.min(...others.map(distance));
    const ties = others.filter((j) => distance(j) === best);
    return ties.length ? ties[Math.floor(random() * ties.length)]! : -1;
  });
  const nearest = (i: number) => nearestOf[i]!;
  for (let i = 0; i < first.length; i++) {
    const j = nearest(i);
    if (j > i && nearest(j) === i && Math.abs(first[i]!.size - first[j]!.size) <= SIZE_SLACK) {
      evidence.patientLinksBySize++;
      union(first[i]!.id, first[j]!.id);
    }
  }
  const roots = new Map<string, number>();
  const patientCluster = new Map<string, number>();
  for (const chart of charts) {
    const root = find(chart.chartId);
    if (!roots.has(root)) roots.set(root, roots.size);
    patientCluster.set(chart.chartId, roots.get(root)!);
  }

  const timingCluster = timingClusters(charts, evidence);

  const action = new Map<string, string>();
  const structuralAction = new Map<string, string>();
  for (const chart of charts) {
    let previous: ObservedVersion | null = null;
    let revokedGuess = false;
    for (const v of chart.versions) {
      let guess: string;
      if (!previous) guess = 'create';
      else if (v.ownerKeys.join() !== previous.ownerKeys.join()) guess = 'custody';
      else if (v.metadataKeys.length > previous.metadataKeys.length) guess = 'share';
      else if (v.metadataKeys.length < previous.metadataKeys.length) guess = 'unshare';
      else if (v.boxLength === previous.boxLength) {
        revokedGuess = !revokedGuess;
        guess = revokedGuess ? 'revoke' : 'restore';
      } else guess = 'update';
      structuralAction.set(v.txId, guess);
      action.set(v.txId, v.clearAction ?? guess);
      previous = v;
    }
  }

  return {
    charts,
    owner,
    readers,
    patientCluster,
    timingCluster,
    action,
    structuralAction,
    timedVersions: charts.flatMap((c) => c.versions).filter((v) => v.clearTimes.length > 0).length,
    uniqueSizes: [...chartsOfSize.values()].filter((ids) => ids.length === 1).length,
    evidence,
  };
}

/** Sessions of versions in adjacent blocks (see the method above); the charts of one session form a cluster. */
function timingClusters(charts: ObservedChart[], evidence: Guesses['evidence']): Map<string, number> {
  const parent = new Map(charts.map((c) => [c.chartId, c.chartId]));
  const find = (x: string): string => (parent.get(x) === x ? x : find(parent.get(x)!));
  const versions = charts
    .flatMap((c) => c.versions.map((v) => ({ chart: c.chartId, height: v.height })))
    .sort((a, b) => a.height - b.height);
  const sessions: Set<string>[] = [];
  let lastHeight = -Infinity;
  for (const v of versions) {
    if (v.height - lastHeight > ADJACENT_BLOCKS || sessions.length === 0) sessions.push(new Set());
    sessions.at(-1)!.add(v.chart);
    lastHeight = v.height;
  }
  for (const session of sessions) {
    if (session.size < 2 || session.size > charts.length / 2) continue;
    const [first, ...rest] = [...session];
    for (const id of rest) {
      if (find(id) === find(first!)) continue;
      parent.set(find(id), find(first!));
      evidence.timingLinks++;
    }
  }
  const roots = new Map<string, number>();
  const clusters = new Map<string, number>();
  for (const chart of charts) {
    const root = find(chart.chartId);
    if (!roots.has(root)) roots.set(root, roots.size);
    clusters.set(chart.chartId, roots.get(root)!);
  }
  return clusters;
}

/** Adjusted Rand index of two labellings of the same items: 1 for the same partition, 0 on average for chance. */
export function adjustedRandIndex(truth: number[], guess: number[]): number {
  const n = truth.length;
  const choose2 = (x: number) => (x * (x - 1)) / 2;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${truth[i]}|${guess[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(truth[i]!, (rows.get(truth[i]!) ?? 0) + 1);
    cols.set(guess[i]!, (cols.get(guess[i]!) ?? 0) + 1);
  }
  const index = [...table.values()].reduce((s, x) => s + choose2(x), 0);
  const a = [...rows.values()].reduce((s, x) => s + choose2(x), 0);
  const b = [...cols.values()].reduce((s, x) => s + choose2(x), 0);
  const expected = (a * b) / choose2(n);
  const max = (a + b) / 2;
  return max === expected ? (index === expected ? 1 : 0) : (index - expected) / (max - expected);
}

/** The accuracy of always answering the most frequent truth: what a guess without information reaches. */
export function majorityBaseline(truths: string[]): number {
  const counts = new Map<string, number>();
  for (const t of truths) counts.set(t, (counts.get(t) ?? 0) + 1);
  return Math.max(...counts.values()) / truths.length;
}

// Re-checks a chart's transactions as read from a node, trusting nothing in the answer: each transaction's id,
// schema and signatures (the transaction core's validator, the same one the node runs), that versions form one
// chain from the chart's CREATE (each spends the previous one's only output), that each author owned what they
// spent, and that every envelope is well formed and numbered in order. Opening envelopes is the caller's step.
import { parseEnvelope, EnvelopeError, type Envelope } from '../../src-shared/crypto/envelope';
import { chartOwnership } from '../../src-shared/authority/custody';
import type { CryptoProvider, Transaction } from '../../src-shared/ledger';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { ownershipProblem, spentByQuorum } from './ownership';
import { inlineValidator, type AnswerValidator, type NodeAnswer, type Verdict } from './answer-validation';

export const CHART_ASSET_TYPE = 'hc.chart/1';

/** The checks every version passes before it is shown ('author' only with a hospital authority pinned). */
export type CheckName = 'id' | 'signatures' | 'schema' | 'chain' | 'owner' | 'envelope' | 'author';

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  detail: string;
}

export interface VerifiedVersion {
  seq: number;
  txId: string;
  tx: Transaction;
  envelope: Envelope;
  /** signKey that signed this version (= envelope.author, checked). */
  author: string;
  /** signKey owning the chart's output after this version: the custodian. */
  owner: string;
  /**
   * The key the node lists the version's output under, where it is not `owner`: an envelope v3 version's output is
   * owned by the custodian's key tweaked for it (docs/UNLINKABLE.md §3), which is what a freshness check asks about.
   * Null: the version closes the chart to this reader (v3 removal), so the reader has no head to prove current.
   */
  outputKey?: string | null;
  checks: CheckResult[];
}

export interface ChainFailure {
  seq: number | null;
  txId: string | null;
  reason: string;
  checks: CheckResult[];
}

export interface ChainVerification {
  assetId: string;
  /** Verified versions, oldest first, up to (not including) the first failure. */
  versions: VerifiedVersion[];
  failure: ChainFailure | null;
}

export interface ChainOptions {
  crypto?: CryptoProvider;
  /** Who runs full validation (id, schema, signatures): a worker pool, or this thread by default. */
  validator?: AnswerValidator;
  /** The answer's text, when the caller has it: workers parse text rather than receive objects. */
  json?: string;
  /**
   * Transactions this identity verified before (its verified cache, with identical content): their full validation
   * is not repeated. The chain, owner and envelope checks still run on every version.
   */
  known?: (tx: unknown) => boolean;
  /** The reader's clock (ms since the epoch), for refusing envelopes dated in the future; Date.now by default. */
  now?: () => number;
}

/** How far ahead of the reader's clock an envelope's `at` may be (clocks of two workstations differ a little). */
export const FUTURE_SKEW_MS = 5 * 60_000;

interface Link {
  tx: Transaction;
  index: number;
}

/** Verifies the transactions a node returned for asset `assetId` (any order). */
export async function verifyChartChain(
  assetId: string,
  raw: readonly unknown[],
  options: ChainOptions = {},
): Promise<ChainVerification> {
  const byId = new Map<string, number>();
  for (let index = 0; index < raw.length; index++) {
    const id = (raw[index] as { id?: unknown } | null)?.id;
    if (typeof id !== 'string')
      return fail(assetId, [], null, null, 'schema', 'The node returned a transaction without an id');
    if (byId.has(id)) return fail(assetId, [], null, id, 'chain', `The node returned transaction ${id} twice`);
    byId.set(id, index);
  }
  const createIndex = byId.get(assetId);
  if (createIndex === undefined)
    return fail(
      assetId,
      [],
      1,
      assetId,
      'chain',
      `The chart's CREATE transaction ${assetId} is missing from the node's answer`,
    );

  // Index spenders by the output they spend; more than one spender of an output is a fork the ledger cannot hold.
  const spenders = new Map<string, number[]>();
  for (const [id, index] of byId) {
    if (id === assetId) continue;
    const fulfills = (
      raw[index] as { inputs?: { fulfills?: { transaction_id?: unknown; output_index?: unknown } | null }[] }
    ).inputs?.[0]?.fulfills;
    const key = fulfills ? `${String(fulfills.transaction_id)}:${String(fulfills.output_index)}` : `orphan:${id}`;
    spenders.set(key, [...(spenders.get(key) ?? []), index]);
  }

  // The chain as the answer links it (nothing trusted yet), and where the linking breaks if it does.
  const links: Link[] = [{ tx: raw[createIndex] as Transaction, index: createIndex }];
  let fork: number | null = null;
  for (;;) {
    const next = spenders.get(`${links.at(-1)!.tx.id}:0`) ?? [];
    if (next.length > 1) {
      fork = next.length;
      break;
    }
    // Each transaction spends one output, so the walk meets each at most once; the bound only guards that belief.
    if (next.length === 0 || links.length >= raw.length) break;
    links.push({ tx: raw[next[0]!] as Transaction, index: next[0]! });
  }

  // Full validation starts (on the workers, and this thread's share of it); meanwhile the chain checks run as if
  // every verdict were clean. The first failure in chain order wins, a verdict before a chain check.
  const validating = validateLinks(raw, links, options);
  const latest = (options.now ?? Date.now)() + FUTURE_SKEW_MS;
  const linked: (VerifiedVersion | ChainFailure)[] = [];
  for (let i = 0; i < links.length; i++) {
    let result: VerifiedVersion | ChainFailure;
    try {
      result = verifyStep(
        assetId,
        links[i]!.tx,
        i + 1,
        (linked.at(-1) as VerifiedVersion | undefined) ?? null,
        null,
        latest,
      );
    } catch {
      // A transaction too malformed to link; its verdict (which comes first) names the problem.
      result = {
        seq: i + 1,
        txId: null,
        reason: `Version ${i + 1}: the transaction cannot be read`,
        checks: [{ check: 'schema', ok: false, detail: 'The transaction cannot be read' }],
      };
    }
    linked.push(result);
    if ('reason' in result) break;
  }
  const verdicts = await validating;
  const versions: VerifiedVersion[] = [];
  for (let i = 0; i < linked.length; i++) {
    const verdict = verdicts[i] ?? null;
    if (verdict)
      return {
        assetId,
        versions,
        failure: verifyStep(assetId, links[i]!.tx, i + 1, versions.at(-1) ?? null, verdict, latest) as ChainFailure,
      };
    const result = linked[i]!;
    if ('reason' in result) return { assetId, versions, failure: result };
    versions.push(result);
  }
  if (fork !== null) {
    const last = versions.at(-1)!;
    return fail(
      assetId,
      versions,
      last.seq + 1,
      null,
      'chain',
      `${fork} transactions spend version ${last.seq}: the history forks`,
    );
  }
  if (links.length !== byId.size) {
    const linked = new Set(versions.map((v) => v.txId));
    const stray = [...byId.keys()].find((id) => !linked.has(id));
    return fail(
      assetId,
      versions,
      null,
      stray ?? null,
      'chain',
      `Transaction ${stray} does not continue this chart's chain`,
    );
  }
  return { assetId, versions, failure: null };
}

/** Full validation of every linked transaction not known already, in one batch (split across workers if large). */
async function validateLinks(
  raw: readonly unknown[],
  links: readonly Link[],
  options: ChainOptions,
): Promise<(Verdict | undefined)[]> {
  const pending = links.map((link, position) => ({ link, position })).filter(({ link }) => !options.known?.(link.tx));
  const verdicts: (Verdict | undefined)[] = links.map(() => null);
  if (pending.length === 0) return verdicts;
  const validator = options.validator ?? inlineValidator(options.crypto ?? nativeLedgerCrypto);
  const answer: NodeAnswer = { json: options.json ?? JSON.stringify(raw), txs: raw };
  const results = await validator.validate(
    answer,
    pending.map(({ link }) => link.index),
  );
  pending.forEach(({ position }, i) => {
    verdicts[position] = results[i];
  });
  return verdicts;
}

function verifyStep(
  assetId: string,
  tx: Transaction,
  seq: number,
  previous: VerifiedVersion | null,
  verdict: Verdict,
  latest: number,
): VerifiedVersion | ChainFailure {
  const checks: CheckResult[] = [];
  const txId = typeof tx.id === 'string' ? tx.id : null;
  const failWith = (check: CheckName, detail: string): ChainFailure => {
    checks.push({ check, ok: false, detail });
    return { seq, txId, reason: `Version ${seq}${txId ? ` (transaction ${txId})` : ''}: ${detail}`, checks };
  };

  if (verdict) {
    const { type, message } = verdict;
    const check: CheckName =
      type === 'InvalidHash'
        ? 'id'
        : type === 'InvalidSignature'
          ? 'signatures'
          : type === 'SchemaValidationError'
            ? 'schema'
            : 'chain';
    return failWith(check, `${type}: ${message}`);
  }
  checks.push({ check: 'id', ok: true, detail: 'The id is the SHA3-256 of the transaction body' });
  checks.push({ check: 'signatures', ok: true, detail: 'Every signature verifies' });

  if (previous === null) {
    if (tx.operation !== 'CREATE' || tx.id !== assetId)
      return failWith('chain', "The first version is not the chart's CREATE");
    const data = (tx.asset as { data?: { type?: unknown } | null }).data;
    if (data?.type !== CHART_ASSET_TYPE) return failWith('chain', `The asset is not a ${CHART_ASSET_TYPE} chart`);
  } else {
    const fulfills = tx.inputs[0]?.fulfills;
    if (
      tx.operation !== 'TRANSFER' ||
      tx.inputs.length !== 1 ||
      fulfills?.transaction_id !== previous.txId ||
      fulfills.output_index !== 0
    ) {
      return failWith('chain', `It does not spend version ${previous.seq}`);
    }
    if ((tx.asset as { id?: unknown }).id !== assetId) return failWith('chain', 'It belongs to another asset');
  }
  checks.push({ check: 'chain', ok: true, detail: previous ? `Spends version ${previous.seq}` : 'Creates the chart' });

  let envelope: Envelope;
  try {
    envelope = parseEnvelope(tx.metadata);
  } catch (error) {
    return failWith('envelope', error instanceof EnvelopeError ? error.message : 'The envelope cannot be read');
  }
  if (envelope.seq !== seq)
    return failWith('envelope', `The envelope says version ${envelope.seq} where version ${seq} stands`);
  if ((seq === 1) !== (envelope.action === 'create'))
    return failWith('envelope', `Version ${seq} cannot be a "${envelope.action}"`);
  if (seq > 1 && envelope.chart !== assetId) return failWith('envelope', 'The envelope names another chart');
  // A date ahead of every clock would sort the version first wherever charts are ordered by date (issue #12).
  if (Date.parse(envelope.at) > latest)
    return failWith(
      'envelope',
      `The envelope is dated ${envelope.at}, in the future (this computer's clock reads ${new Date(latest - FUTURE_SKEW_MS).toISOString()})`,
    );

  const owner = chartOwnership(tx.outputs.length === 1 ? tx.outputs[0] : undefined)?.custodian ?? null;
  if (!owner) return failWith('chain', 'The chart output must be one unit owned by one custodian');
  const ownership = ownershipProblem(tx, envelope, previous);
  if (ownership) return failWith('owner', ownership);
  checks.push({
    check: 'owner',
    ok: true,
    detail: !previous
      ? 'The author issued the chart'
      : spentByQuorum(tx)
        ? `The hospital authority's quorum moved custody of version ${previous.seq}`
        : `The author owned version ${previous.seq}`,
  });
  checks.push({ check: 'envelope', ok: true, detail: 'The envelope is well formed' });
  return { seq, txId: tx.id, tx, envelope, author: envelope.author, owner, checks };
}

function fail(
  assetId: string,
  versions: VerifiedVersion[],
  seq: number | null,
  txId: string | null,
  check: CheckName,
  reason: string,
): ChainVerification {
  return { assetId, versions, failure: { seq, txId, reason, checks: [{ check, ok: false, detail: reason }] } };
}

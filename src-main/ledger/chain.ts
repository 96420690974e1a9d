// Re-checks a chart's transactions as read from a node, trusting nothing in the answer: each transaction's id,
// schema and signatures (the transaction core's validator, the same one the node runs), that versions form one
// chain from the chart's CREATE (each spends the previous one's only output), that each author owned what they
// spent, and that every envelope is well formed and numbered in order. Opening envelopes is the caller's step.
import { parseEnvelope, EnvelopeError, type Envelope } from '../../src-shared/crypto/envelope';
import type { CheckName, CheckResult } from '../../src-shared/records/types';
import {
  fromBase64Url, parseFulfillment, toBase58, validateTransaction, type CryptoProvider, type LedgerContext, type Transaction,
} from '../../src-shared/ledger';

export const CHART_ASSET_TYPE = 'hc.chart/1';

export interface VerifiedVersion {
  seq: number;
  txId: string;
  tx: Transaction;
  envelope: Envelope;
  /** signKey that signed this version (= envelope.author, checked). */
  author: string;
  /** signKey owning the chart's output after this version: the custodian. */
  owner: string;
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

interface Step {
  tx: Transaction;
  seq: number;
  previous: VerifiedVersion | null;
}

/** Verifies the transactions a node returned for asset `assetId` (any order). */
export async function verifyChartChain(assetId: string, raw: readonly unknown[], crypto?: CryptoProvider): Promise<ChainVerification> {
  const byId = new Map<string, unknown>();
  for (const item of raw) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return fail(assetId, [], null, null, 'schema', 'The node returned a transaction without an id');
    if (byId.has(id)) return fail(assetId, [], null, id, 'chain', `The node returned transaction ${id} twice`);
    byId.set(id, item);
  }
  const create = byId.get(assetId);
  if (!create) return fail(assetId, [], 1, assetId, 'chain', `The chart's CREATE transaction ${assetId} is missing from the node's answer`);

  // Index spenders by the output they spend; more than one spender of an output is a fork the ledger cannot hold.
  const spenders = new Map<string, unknown[]>();
  for (const [id, item] of byId) {
    if (id === assetId) continue;
    const fulfills = (item as { inputs?: { fulfills?: { transaction_id?: unknown; output_index?: unknown } | null }[] }).inputs?.[0]?.fulfills;
    const key = fulfills ? `${String(fulfills.transaction_id)}:${String(fulfills.output_index)}` : `orphan:${id}`;
    spenders.set(key, [...(spenders.get(key) ?? []), item]);
  }

  const versions: VerifiedVersion[] = [];
  let step: Step | null = { tx: create as Transaction, seq: 1, previous: null };
  let reached = 1;
  while (step) {
    const result = await verifyStep(assetId, step, byId, crypto);
    if ('reason' in result) return { assetId, versions, failure: result };
    versions.push(result);
    const next = spenders.get(`${result.txId}:0`) ?? [];
    if (next.length > 1) {
      return fail(assetId, versions, result.seq + 1, null, 'chain', `${next.length} transactions spend version ${result.seq}: the history forks`);
    }
    step = next[0] ? { tx: next[0] as Transaction, seq: result.seq + 1, previous: result } : null;
    if (step) reached++;
  }
  if (reached !== byId.size) {
    const linked = new Set(versions.map((v) => v.txId));
    const stray = [...byId.keys()].find((id) => !linked.has(id));
    return fail(assetId, versions, null, stray ?? null, 'chain', `Transaction ${stray} does not continue this chart's chain`);
  }
  return { assetId, versions, failure: null };
}

async function verifyStep(
  assetId: string,
  { tx, seq, previous }: Step,
  byId: Map<string, unknown>,
  crypto: CryptoProvider | undefined,
): Promise<VerifiedVersion | ChainFailure> {
  const checks: CheckResult[] = [];
  const txId = typeof tx.id === 'string' ? tx.id : null;
  const failWith = (check: CheckName, detail: string): ChainFailure => {
    checks.push({ check, ok: false, detail });
    return { seq, txId, reason: `Version ${seq}${txId ? ` (transaction ${txId})` : ''}: ${detail}`, checks };
  };

  // The context resolves inputs from the same answer; spent state is not consulted because a committed version
  // has of course been spent by its successor. Linearity is checked below instead.
  const context: LedgerContext = {
    getTransaction: (id: string) => (id === txId ? null : ((byId.get(id) as Transaction | undefined) ?? null)),
    spentBy: () => null,
  };
  const validation = await validateTransaction(tx, context, crypto);
  if (!validation.ok) {
    const { type, message } = validation.error;
    const check: CheckName = type === 'InvalidHash' ? 'id' : type === 'InvalidSignature' ? 'signatures' : type === 'SchemaValidationError' ? 'schema' : 'chain';
    return failWith(check, `${type}: ${message}`);
  }
  checks.push({ check: 'id', ok: true, detail: 'The id is the SHA3-256 of the transaction body' });
  checks.push({ check: 'signatures', ok: true, detail: 'Every signature verifies' });

  if (previous === null) {
    if (tx.operation !== 'CREATE' || tx.id !== assetId) return failWith('chain', 'The first version is not the chart\'s CREATE');
    const data = (tx.asset as { data?: { type?: unknown } | null }).data;
    if (data?.type !== CHART_ASSET_TYPE) return failWith('chain', `The asset is not a ${CHART_ASSET_TYPE} chart`);
  } else {
    const fulfills = tx.inputs[0]?.fulfills;
    if (tx.operation !== 'TRANSFER' || tx.inputs.length !== 1 || fulfills?.transaction_id !== previous.txId || fulfills.output_index !== 0) {
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
  if (envelope.seq !== seq) return failWith('envelope', `The envelope says version ${envelope.seq} where version ${seq} stands`);
  if ((seq === 1) !== (envelope.action === 'create')) return failWith('envelope', `Version ${seq} cannot be a "${envelope.action}"`);
  if (seq > 1 && envelope.chart !== assetId) return failWith('envelope', 'The envelope names another chart');

  const owner = singleOwner(tx);
  if (!owner) return failWith('chain', 'The chart output must be one unit owned by one key');
  const signer = signerOf(tx);
  if (signer !== envelope.author) return failWith('owner', `The envelope names author ${envelope.author} but ${signer ?? 'nobody'} signed`);
  if (previous && previous.owner !== envelope.author) {
    return failWith('owner', `The author ${envelope.author} did not own version ${previous.seq}; ${previous.owner} did`);
  }
  checks.push({ check: 'owner', ok: true, detail: previous ? `The author owned version ${previous.seq}` : 'The author issued the chart' });
  checks.push({ check: 'envelope', ok: true, detail: 'The envelope is well formed' });
  return { seq, txId: tx.id, tx, envelope, author: envelope.author, owner, checks };
}

function singleOwner(tx: Transaction): string | null {
  const out = tx.outputs;
  if (out.length !== 1 || out[0]!.amount !== '1') return null;
  const details = out[0]!.condition.details;
  if (details.type !== 'ed25519-sha-256') return null;
  const keys = out[0]!.public_keys;
  return keys.length === 1 && keys[0] === details.public_key ? details.public_key : null;
}

/** The key whose signature fulfils the (single) input; validated already, so only its identity is read here. */
function signerOf(tx: Transaction): string | null {
  if (tx.inputs.length !== 1) return null;
  const bytes = fromBase64Url(tx.inputs[0]!.fulfillment);
  if (!bytes) return null;
  try {
    const f = parseFulfillment(bytes);
    return f.type === 'ed25519-sha-256' ? toBase58(f.publicKey) : null;
  } catch {
    return null;
  }
}

function fail(assetId: string, versions: VerifiedVersion[], seq: number | null, txId: string | null, check: CheckName, reason: string): ChainVerification {
  return { assetId, versions, failure: { seq, txId, reason, checks: [{ check, ok: false, detail: reason }] } };
}

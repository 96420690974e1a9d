// Re-checks the authority's transactions as read from a node, trusting nothing in the answer: each transaction's id,
// schema and signatures (the same validator the node runs), that the authority CREATE was signed by every officer it
// names, that a credential was issued by exactly the pinned quorum (the reference ties a CREATE's fulfillment to no
// condition, so this is our check), that every output stays with the quorum, and that renewals and revocations
// spend the credential's latest output, one after the other.
import {
  conditionFromDetails,
  conditionUri,
  contextFromTransactions,
  fromBase64Url,
  fulfillmentCondition,
  parseFulfillment,
  pureCryptoProvider,
  validateTransaction,
  type ConditionDetails,
  type CryptoProvider,
  type LedgerContext,
  type LedgerValidationError,
  type Transaction,
} from '../ledger';
import {
  authorityDataSchema,
  ceremonyMetadataSchema,
  credentialActSchema,
  credentialDataSchema,
  emergencyKeyActSchema,
  firstIssue,
  type AuthorityData,
  type CredentialAct,
  type CredentialData,
} from './model';
import { allOfficersDetails, quorumDetails } from './transactions';

/** A transaction as read from a node, with the block height the node reports for it. */
export interface Positioned {
  tx: unknown;
  height: number;
}

/** The emergency key as the latest verified authority act published it. */
export interface PublishedEmergencyKey {
  signKey: string;
  boxKey: string;
  /** The act's transaction, its block height and the time the officers signed into it. */
  txId: string;
  height: number;
  at: string;
}

export interface VerifiedAuthority {
  id: string;
  data: AuthorityData;
  quorumUri: string;
  height: number;
  /** The ceremony time the officers signed (a trusted time anchor). */
  at: string;
  tx: Transaction;
  /** The current emergency key (null: none published, or the authority's acts were not read or not verified). */
  emergencyKey?: PublishedEmergencyKey | null;
  /** Every emergency key published, oldest first (requests to a replaced key are still reviewed). */
  emergencyKeys?: PublishedEmergencyKey[];
  /** The last transaction of the authority's verified chain: what the next authority act spends. */
  latest?: Transaction;
  /** Why the authority's acts could not all be verified (then the emergency key counts as none). */
  actsProblem?: string | null;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = <T>(reason: string): Checked<T> => ({ ok: false, reason });

/** Does the input's fulfillment prove exactly `details`? (one URI comparison: keys, threshold and shape) */
function proves(tx: Transaction, inputIndex: number, details: ConditionDetails, crypto: CryptoProvider): boolean {
  try {
    const bytes = fromBase64Url(tx.inputs[inputIndex]?.fulfillment ?? '');
    if (!bytes) return false;
    return (
      conditionUri(fulfillmentCondition(parseFulfillment(bytes), crypto)) ===
      conditionUri(conditionFromDetails(details, crypto))
    );
  } catch {
    return false;
  }
}

function ownedByQuorum(tx: Transaction, quorumUri: string): boolean {
  return tx.outputs.length === 1 && tx.outputs[0]!.amount === '1' && tx.outputs[0]!.condition.uri === quorumUri;
}

export function verifyAuthority(
  expectedId: string,
  raw: Positioned,
  crypto: CryptoProvider = pureCryptoProvider,
): Checked<VerifiedAuthority> {
  const result = validateTransaction(raw.tx, contextFromTransactions([]), crypto);
  if (!result.ok)
    return bad(
      `the authority transaction is invalid (${result.error.type}${result.error.message ? `: ${result.error.message}` : ''})`,
    );
  const tx = result.tx;
  if (tx.id !== expectedId) return bad(`the node returned transaction ${tx.id} for the authority ${expectedId}`);
  if (tx.operation !== 'CREATE') return bad('the pinned authority is not a CREATE');
  const data = authorityDataSchema.safeParse((tx.asset as { data: unknown }).data);
  if (!data.success) return bad(`the pinned asset is not a hospital authority (${firstIssue(data.error)})`);
  const meta = ceremonyMetadataSchema.safeParse(tx.metadata);
  if (!meta.success) return bad(`the authority's ceremony record is malformed (${firstIssue(meta.error)})`);
  if (!proves(tx, 0, allOfficersDetails(data.data.officers), crypto))
    return bad('the authority was not signed by every officer it names');
  const quorumUri = conditionUri(conditionFromDetails(quorumDetails(data.data), crypto));
  if (!ownedByQuorum(tx, quorumUri)) return bad("the authority's output is not owned by its quorum");
  if (!Number.isSafeInteger(raw.height) || raw.height < 0)
    return bad('the node gave no block height for the authority');
  return ok({ id: tx.id, data: data.data, quorumUri, height: raw.height, at: meta.data.at, tx });
}

export interface CredentialAction {
  txId: string;
  height: number;
  act: CredentialAct;
}

export interface VerifiedCredential {
  id: string;
  data: CredentialData;
  issued: CredentialAction;
  /** Renewals and the revocation, in chain order. */
  acts: CredentialAction[];
  /** Problems after issuance (e.g. a broken chain): the credential then counts as ended at `brokenAt`. */
  problem: string | null;
  brokenAt: number | null;
  /** The last transaction of its verified chain: what a renewal or revocation spends. */
  latest: Transaction;
}

/**
 * A credential transaction's validation: the verdict given (validated elsewhere with the same context — the other
 * transactions of the credential's answer, not itself, spends not consulted: answer-validation.ts's
 * validateWithinAnswer, e.g. in the chart service's verification workers), else validated here.
 */
function verdictOf(
  tx: unknown,
  verdict: LedgerValidationError | null | undefined,
  lookup: LedgerContext,
  crypto: CryptoProvider,
): { ok: true; tx: Transaction } | { ok: false; error: LedgerValidationError } {
  if (verdict === undefined) return validateTransaction(tx, lookup, crypto);
  return verdict === null ? { ok: true, tx: tx as Transaction } : { ok: false, error: verdict };
}

/**
 * Verifies one credential's transactions (any order, as a node lists them). Returns a failure when the CREATE itself
 * is not a credential of this authority issued by its quorum: such a credential is never returned.
 */
export function verifyCredential(
  authority: VerifiedAuthority,
  credentialId: string,
  raw: readonly Positioned[],
  crypto: CryptoProvider = pureCryptoProvider,
  validated?: readonly (LedgerValidationError | null)[],
): Checked<VerifiedCredential> {
  const valid: { tx: Transaction; height: number }[] = [];
  const invalid: string[] = [];
  const known: Transaction[] = [];
  for (const r of raw) {
    const id = (r.tx as { id?: unknown } | null)?.id;
    if (typeof id === 'string') known.push(r.tx as Transaction);
  }
  const ctx = contextFromTransactions(known);
  if (validated && validated.length !== raw.length)
    throw new RangeError(`${validated.length} verdicts for ${raw.length} transactions`);
  for (const [i, r] of raw.entries()) {
    // Against the others' outputs, not their spends (the list holds each output's spender), and not itself.
    const self = (r.tx as { id?: unknown } | null)?.id;
    const lookup = {
      getTransaction: (id: string) => (id === self ? null : ctx.getTransaction(id)),
      spentBy: () => null,
    };
    const result = verdictOf(r.tx, validated?.[i], lookup, crypto);
    if (result.ok) valid.push({ tx: result.tx, height: r.height });
    else invalid.push(`${String((r.tx as { id?: unknown } | null)?.id)}: ${result.error.type}`);
  }
  const create = valid.find((v) => v.tx.id === credentialId && v.tx.operation === 'CREATE');
  if (!create)
    return bad(invalid.length ? `its CREATE is invalid (${invalid.join('; ')})` : 'the node did not return its CREATE');
  const data = credentialDataSchema.safeParse((create.tx.asset as { data: unknown }).data);
  if (!data.success) return bad(`not a credential (${firstIssue(data.error)})`);
  if (data.data.authority !== authority.id) return bad('it names another authority');
  if (!proves(create.tx, 0, quorumDetails(authority.data), crypto))
    return bad("it was not issued by the authority's quorum");
  if (!ownedByQuorum(create.tx, authority.quorumUri)) return bad("its output is not owned by the authority's quorum");
  const issueAct = credentialActSchema.safeParse(create.tx.metadata);
  if (!issueAct.success || issueAct.data.type !== 'hc.credential.issue/1') return bad('its issue record is malformed');
  if (!Number.isSafeInteger(create.height) || create.height < 0) return bad('the node gave no block height for it');

  // Walk the chain: each act spends output 0 of the one before, is the quorum's, and comes no earlier on the ledger.
  const bySpent = new Map<string, { tx: Transaction; height: number }>();
  for (const v of valid) {
    const link = v.tx.operation === 'TRANSFER' && v.tx.inputs.length === 1 ? v.tx.inputs[0]!.fulfills : null;
    if (link && link.output_index === 0) bySpent.set(link.transaction_id, v);
  }
  const acts: CredentialAction[] = [];
  let problem: string | null = invalid.length
    ? `the node returned invalid transactions for it (${invalid.join('; ')})`
    : null;
  let brokenAt: number | null = null;
  let previous = create;
  let ended = false;
  for (let next = bySpent.get(previous.tx.id); next; next = bySpent.get(previous.tx.id)) {
    if (ended) {
      problem = `transaction ${next.tx.id} acts on a revoked credential`;
      break;
    }
    if (!ownedByQuorum(next.tx, authority.quorumUri)) {
      problem = `transaction ${next.tx.id} moves the credential away from the quorum`;
      brokenAt = next.height;
      break;
    }
    const act = credentialActSchema.safeParse(next.tx.metadata);
    if (!act.success || act.data.type === 'hc.credential.issue/1') {
      problem = `transaction ${next.tx.id} is a quorum act this version does not understand`;
      brokenAt = next.height;
      break;
    }
    if (!(next.height >= previous.height)) {
      problem = `the node puts transaction ${next.tx.id} before the one it spends`;
      brokenAt = previous.height;
      break;
    }
    acts.push({ txId: next.tx.id, height: next.height, act: act.data });
    if (act.data.type === 'hc.credential.revoke/1') ended = true;
    previous = next;
  }
  const chained = new Set([create.tx.id, ...acts.map((a) => a.txId)]);
  const strays = valid.filter((v) => !chained.has(v.tx.id));
  if (!problem && strays.length)
    problem = `the node returned transactions outside its chain (${strays.map((s) => s.tx.id).join(', ')})`;
  if (problem && brokenAt === null && !ended) brokenAt = previous.height;
  return ok({
    id: credentialId,
    data: data.data,
    issued: { txId: create.tx.id, height: create.height, act: issueAct.data },
    acts,
    problem,
    brokenAt,
    latest: previous.tx,
  });
}

/**
 * The authority's own chain: its CREATE, then quorum acts each spending output 0 of the one before and keeping the
 * output with the quorum. Only emergency-key acts exist so far; the latest names the current emergency key. A chain
 * that leaves the quorum, or an act this version does not understand, fails closed: no emergency key.
 */
export function withAuthorityActs(
  authority: VerifiedAuthority,
  raw: readonly Positioned[],
  crypto: CryptoProvider = pureCryptoProvider,
): VerifiedAuthority {
  const known = raw.map((r) => r.tx).filter((t) => typeof (t as { id?: unknown } | null)?.id === 'string');
  const ctx = contextFromTransactions([authority.tx, ...(known as Transaction[])]);
  const bySpent = new Map<string, { tx: Transaction; height: number }>();
  for (const r of raw) {
    const self = (r.tx as { id?: unknown } | null)?.id;
    if (self === authority.id) continue;
    const lookup = {
      getTransaction: (id: string) => (id === self ? null : ctx.getTransaction(id)),
      spentBy: () => null,
    };
    const result = validateTransaction(r.tx, lookup, crypto);
    if (!result.ok) continue; // not a spend of this chain: it cannot move the authority's output
    const link =
      result.tx.operation === 'TRANSFER' && result.tx.inputs.length === 1 ? result.tx.inputs[0]!.fulfills : null;
    if (link && link.output_index === 0) bySpent.set(link.transaction_id, { tx: result.tx, height: r.height });
  }
  let latest: { tx: Transaction; height: number } = { tx: authority.tx, height: authority.height };
  let emergencyKey: PublishedEmergencyKey | null = null;
  const history: PublishedEmergencyKey[] = [];
  let problem: string | null = null;
  for (let next = bySpent.get(latest.tx.id); next; next = bySpent.get(latest.tx.id)) {
    if (!ownedByQuorum(next.tx, authority.quorumUri)) {
      problem = `transaction ${next.tx.id} moves the authority's output away from its quorum`;
      break;
    }
    const act = emergencyKeyActSchema.safeParse(next.tx.metadata);
    if (!act.success) {
      problem = `transaction ${next.tx.id} is an authority act this version does not understand`;
      break;
    }
    if (!(next.height >= latest.height)) {
      problem = `the node puts transaction ${next.tx.id} before the one it spends`;
      break;
    }
    emergencyKey = { ...act.data.emergencyKey, txId: next.tx.id, height: next.height, at: act.data.at };
    history.push(emergencyKey);
    latest = next;
  }
  return {
    ...authority,
    emergencyKey: problem ? null : emergencyKey,
    emergencyKeys: history,
    latest: latest.tx,
    actsProblem: problem,
  };
}

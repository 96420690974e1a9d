// Building unsigned CREATE and TRANSFER transactions and their outputs (docs/PROTOCOL.md §1). Builders throw
// LedgerInputError for caller mistakes so that nothing invalid is ever signed.
import { isValidAmount } from './amounts';
import { decodePublicKey } from './bytes';
import { canonicalJson } from './canonical-json';
import { conditionFromDetails, conditionUri, detailsPublicKeys, DetailsError } from './conditions';
import type { CryptoProvider } from './crypto-provider';
import { pureCryptoProvider } from './crypto-provider';
import { LedgerInputError } from './errors';
import { checkKeyRules } from './key-rules';
import type {
  ConditionDetails,
  Ed25519Details,
  JsonObject,
  Output,
  ThresholdDetails,
  Transaction,
  UnsignedInput,
  UnsignedTransaction,
} from './types';

function requireKey(publicKey: string): void {
  if (typeof publicKey !== 'string' || decodePublicKey(publicKey) === null) {
    throw new LedgerInputError('InvalidKey', `not a base58 Ed25519 public key: ${String(publicKey)}`);
  }
}

export function ed25519Details(publicKey: string): Ed25519Details {
  requireKey(publicKey);
  return { type: 'ed25519-sha-256', public_key: publicKey };
}

/** An m-of-n condition; members are public keys or nested condition details. */
export function thresholdDetails(threshold: number, members: readonly (string | ConditionDetails)[]): ThresholdDetails {
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 100 || threshold > members.length) {
    throw new LedgerInputError(
      'InvalidCondition',
      `threshold ${threshold} is impossible with ${members.length} member(s) (1 ≤ threshold ≤ min(100, members))`,
    );
  }
  return {
    type: 'threshold-sha-256',
    threshold,
    subconditions: members.map((m) => (typeof m === 'string' ? ed25519Details(m) : m)),
  };
}

/** An output for any condition details; `public_keys` lists its Ed25519 keys as the driver does. */
export function outputFromDetails(
  details: ConditionDetails,
  amount = '1',
  crypto: CryptoProvider = pureCryptoProvider,
): Output {
  if (!isValidAmount(amount)) {
    throw new LedgerInputError(
      'InvalidAmount',
      `amount must be a decimal string from 1 to 9000000000000000000, got ${String(amount)}`,
    );
  }
  let uri: string;
  try {
    uri = conditionUri(conditionFromDetails(details, crypto));
  } catch (e) {
    if (e instanceof DetailsError)
      throw new LedgerInputError('InvalidCondition', e.message || 'threshold nested too deeply');
    throw e;
  }
  return { condition: { details, uri }, amount, public_keys: detailsPublicKeys(details) };
}

export function ed25519Output(publicKey: string, amount = '1'): Output {
  return outputFromDetails(ed25519Details(publicKey), amount);
}

export function thresholdOutput(
  threshold: number,
  members: readonly (string | ConditionDetails)[],
  amount = '1',
): Output {
  return outputFromDetails(thresholdDetails(threshold, members), amount);
}

function requireData(value: JsonObject | null, what: 'asset data' | 'metadata'): void {
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    throw new LedgerInputError('InvalidJson', `${what} must be an object or null`);
  }
  if (what === 'metadata' && value !== null && Object.keys(value).length === 0) {
    throw new LedgerInputError(
      'InvalidJson',
      'metadata must be null or have at least one property (the v2.0 schema rejects {})',
    );
  }
  canonicalJson(value); // throws for values JSON cannot carry (NaN, undefined in arrays, lone surrogates, classes…)
}

function requireKeyRules(assetData: unknown, metadata: unknown): void {
  const broken = checkKeyRules(assetData, metadata);
  if (broken) throw new LedgerInputError('InvalidJson', broken.message);
}

function requireOutputs(outputs: readonly Output[]): void {
  if (!Array.isArray(outputs) || outputs.length === 0)
    throw new LedgerInputError('InvalidSpend', 'at least one output is needed');
}

/**
 * A CREATE issued by `issuers`. One issuer signs an Ed25519 fulfillment; several sign one n-of-n threshold
 * fulfillment (the v2.0 schema allows exactly one CREATE input, docs/PROTOCOL.md §8.1).
 */
export function makeCreate(
  assetData: JsonObject | null,
  metadata: JsonObject | null,
  outputs: readonly Output[],
  issuers: readonly string[],
): UnsignedTransaction {
  return createOf(assetData, metadata, outputs, () => {
    if (issuers.length === 0) throw new LedgerInputError('InvalidKey', 'a CREATE needs at least one issuer');
    const details: ConditionDetails =
      issuers.length === 1 ? ed25519Details(issuers[0] as string) : thresholdDetails(issuers.length, issuers);
    return { owners_before: [...issuers], fulfills: null, fulfillment: details };
  });
}

/**
 * A CREATE whose one input must satisfy `issuer` (e.g. an m-of-n threshold of a hospital's officers): signing it
 * takes exactly the signatures that condition needs, so a verifier can require the fulfillment to prove `issuer`
 * (the reference itself ties a CREATE's fulfillment to no condition, so this proof is the verifier's check).
 */
export function makeCreateBy(
  assetData: JsonObject | null,
  metadata: JsonObject | null,
  outputs: readonly Output[],
  issuer: ConditionDetails,
): UnsignedTransaction {
  return createOf(assetData, metadata, outputs, () => {
    outputFromDetails(issuer); // throws LedgerInputError for impossible details
    return { owners_before: detailsPublicKeys(issuer), fulfills: null, fulfillment: issuer };
  });
}

/** The checks every CREATE passes, in the order the reference reports them, then its one input. */
function createOf(
  assetData: JsonObject | null,
  metadata: JsonObject | null,
  outputs: readonly Output[],
  inputOf: () => UnsignedInput,
): UnsignedTransaction {
  requireData(assetData, 'asset data');
  requireData(metadata, 'metadata');
  requireKeyRules(assetData, metadata);
  requireOutputs(outputs);
  return {
    id: null,
    version: '2.0',
    operation: 'CREATE',
    asset: { data: assetData },
    metadata,
    inputs: [inputOf()],
    outputs: [...outputs],
  };
}

export interface Spend {
  tx: Transaction;
  outputIndex: number;
}

/** The asset id a transaction carries: a CREATE's own id, a TRANSFER's `asset.id`. */
export function assetIdOf(tx: Pick<Transaction, 'id' | 'operation' | 'asset'>): string {
  return tx.operation === 'CREATE' ? tx.id : (tx.asset as { id: string }).id;
}

/** A TRANSFER spending `spends` (all of one asset) into `outputs`; amounts must balance. */
export function makeTransfer(
  spends: readonly Spend[],
  outputs: readonly Output[],
  metadata: JsonObject | null,
): UnsignedTransaction {
  requireData(metadata, 'metadata');
  requireKeyRules(null, metadata);
  requireOutputs(outputs);
  if (spends.length === 0) throw new LedgerInputError('InvalidSpend', 'a TRANSFER needs at least one spend');
  const assetId = assetIdOf(spends[0]!.tx);
  const seen = new Set<string>();
  let inAmount = 0n;
  const inputs = spends.map(({ tx, outputIndex }): UnsignedInput => {
    const spent = tx.outputs[outputIndex];
    if (!spent || !Number.isInteger(outputIndex))
      throw new LedgerInputError('InvalidSpend', `transaction ${tx.id} has no output ${outputIndex}`);
    if (assetIdOf(tx) !== assetId) throw new LedgerInputError('InvalidSpend', 'all spends must be of the same asset');
    const link = `${tx.id}:${outputIndex}`;
    if (seen.has(link)) throw new LedgerInputError('InvalidSpend', `output ${link} is spent twice`);
    seen.add(link);
    inAmount += BigInt(spent.amount);
    return {
      owners_before: [...spent.public_keys],
      fulfills: { transaction_id: tx.id, output_index: outputIndex },
      fulfillment: spent.condition.details,
    };
  });
  const outAmount = outputs.reduce((sum, o) => sum + BigInt(o.amount), 0n);
  if (inAmount !== outAmount)
    throw new LedgerInputError('InvalidAmount', `inputs hold ${inAmount} but outputs hold ${outAmount}`);
  return {
    id: null,
    version: '2.0',
    operation: 'TRANSFER',
    asset: { id: assetId },
    metadata,
    inputs,
    outputs: [...outputs],
  };
}

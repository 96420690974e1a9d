// Complete verification of a transaction in the reference server's order (docs/PROTOCOL.md §4.1, §4.5, §4.6):
// id → schema → key rules → inputs parse → outputs parse (amounts) → state rules → fulfillments.
// Every failure is a typed result carrying the reference's class name and exact text; nothing here throws for bad input.
import { readAmount } from './amounts';
import { assetIdOf } from './build';
import { fromBase64Url, toHex } from './bytes';
import type { CryptoCondition } from './conditions';
import { conditionFromDetails, conditionUri, conditionsEqual, DetailsError } from './conditions';
import type { AsyncLedgerContext, LedgerContext } from './context';
import type { CryptoProvider } from './crypto-provider';
import { pureCryptoProvider, sha3Text } from './crypto-provider';
import type { LedgerValidationError, ValidationResult } from './errors';
import { LedgerInputError, messages } from './errors';
import type { Fulfillment } from './fulfillments';
import { fulfillmentCondition, parseFulfillment, verifyFulfillment } from './fulfillments';
import { checkKeyRules } from './key-rules';
import { pyRepr, pyStr } from './python-text';
import { schemaErrorMessage } from './schema/validate-schema';
import { digestForText, TransactionText } from './transaction-hash';
import type { Output, Transaction } from './types';

/** JSON nesting accepted at most. The reference itself fails (HTTP 500) near 1000 levels; we answer clearly earlier. */
export const MAX_NESTING = 512;

type Failure = { ok: false; error: LedgerValidationError };

interface Prepared {
  tx: Transaction;
  text: TransactionText;
  /** parsed fulfillment per input; null for an unsigned input (condition details instead of a fulfillment) */
  fulfillments: (Fulfillment | null)[];
}

const fail = (type: LedgerValidationError['type'], message: string): Failure => ({
  ok: false,
  error: { type, message },
});

/**
 * Everything that does not depend on ledger state: id, schema, key rules, fulfillment encoding, output conditions and
 * amounts. On success the transaction is well-formed but its inputs and signatures are not yet checked.
 */
export function checkTransactionStructure(
  tx: unknown,
  crypto: CryptoProvider = pureCryptoProvider,
): ValidationResult<Transaction> {
  const prepared = guard(() => prepare(tx, crypto));
  return prepared.ok ? { ok: true, tx: prepared.value.tx, assetId: assetIdOf(prepared.value.tx) } : prepared;
}

/** Full verification against ledger state, as the reference does on POST (docs/PROTOCOL.md §4). */
export function validateTransaction(
  tx: unknown,
  ctx: LedgerContext,
  crypto: CryptoProvider = pureCryptoProvider,
): ValidationResult<Transaction> {
  return guard(() => {
    const prepared = prepare(tx, crypto);
    return prepared.ok ? validatePrepared(prepared.value, ctx, crypto) : prepared;
  });
}

/**
 * The same verification with a context that answers asynchronously (e.g. the app asking a node over HTTP): the
 * structure is checked first, then every fact the rules need is fetched, then the synchronous rules run.
 */
export async function validateTransactionAsync(
  tx: unknown,
  ctx: AsyncLedgerContext,
  crypto: CryptoProvider = pureCryptoProvider,
): Promise<ValidationResult<Transaction>> {
  const prepared = guard(() => prepare(tx, crypto));
  if (!prepared.ok) return prepared;
  const { tx: checked } = prepared.value;
  const txs = new Map<string, Transaction | null | undefined>();
  const spent = new Map<string, string | null | undefined>();
  if (checked.operation === 'CREATE') {
    txs.set(checked.id, await ctx.getTransaction(checked.id));
  } else {
    for (const input of checked.inputs) {
      const link = input.fulfills!;
      if (!txs.has(link.transaction_id)) txs.set(link.transaction_id, await ctx.getTransaction(link.transaction_id));
      spent.set(
        `${link.transaction_id}:${link.output_index}`,
        await ctx.spentBy(link.transaction_id, link.output_index),
      );
    }
  }
  const snapshot: LedgerContext = {
    getTransaction: (id) => txs.get(id) ?? null,
    spentBy: (id, index) => spent.get(`${id}:${index}`) ?? null,
  };
  return guard(() => validatePrepared(prepared.value, snapshot, crypto));
}

// Malformed input must never escape as an exception: map the few ways deep or odd JSON can still throw.
function guard<T>(run: () => T | Failure): T | Failure {
  try {
    return run();
  } catch (e) {
    if (e instanceof RangeError)
      return fail('ValidationError', `transaction is nested too deeply (limit ${MAX_NESTING} levels)`);
    if (e instanceof LedgerInputError)
      return fail('ValidationError', `transaction is not valid JSON data: ${e.message}`);
    throw e;
  }
}

function prepare(raw: unknown, crypto: CryptoProvider): { ok: true; value: Prepared } | Failure {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('SchemaValidationError', `${pyRepr(raw)} is not of type 'object'`);
  }
  if (nestingExceeds(raw, MAX_NESTING))
    return fail('ValidationError', `transaction is nested too deeply (limit ${MAX_NESTING} levels)`);
  const body = raw as Record<string, unknown>;

  // 1. id (before the schema, as the reference does)
  if (!('id' in body)) return fail('InvalidHash', messages.noId);
  const text = new TransactionText(body);
  const id = toHex(sha3Text(crypto, text.idPreimage()));
  if (body.id !== id) return fail('InvalidHash', messages.idMismatch(pyStr(body.id)));

  // 2. schema
  const schemaError = schemaErrorMessage(body);
  if (schemaError !== null) return fail('SchemaValidationError', schemaError);
  const tx = body as unknown as Transaction;

  // 3. key and language rules
  const keyError = checkKeyRules((tx.asset as { data?: unknown }).data, tx.metadata);
  if (keyError) return { ok: false, error: keyError };

  if (tx.operation !== 'CREATE' && tx.operation !== 'TRANSFER')
    return fail('ValidationError', messages.operationUnsupported);

  // 4. inputs: every fulfillment must decode
  const fulfillments: (Fulfillment | null)[] = [];
  for (const input of tx.inputs) {
    if (typeof input.fulfillment === 'string') {
      const bytes = fromBase64Url(input.fulfillment);
      if (bytes === null) return fail('InvalidSignature', messages.fulfillmentParse);
      try {
        fulfillments.push(parseFulfillment(bytes));
      } catch {
        return fail('InvalidSignature', messages.fulfillmentParse);
      }
    } else {
      const detailsError = conditionError(input.fulfillment, crypto);
      if (detailsError) return { ok: false, error: detailsError };
      fulfillments.push(null);
    }
  }

  // 5. outputs: condition details, amount, and (stricter than the reference, docs/PROTOCOL.md §4.9) the URI must
  // match details
  for (let j = 0; j < tx.outputs.length; j++) {
    const output = tx.outputs[j] as Output;
    let condition: CryptoCondition;
    try {
      condition = conditionFromDetails(output.condition.details, crypto);
    } catch (e) {
      return { ok: false, error: detailsFailure(e) };
    }
    const amount = readAmount(output.amount);
    if (!amount.ok) return amount;
    if (conditionUri(condition) !== output.condition.uri) {
      return fail('ValidationError', `The condition uri of output ${j} does not match its details`);
    }
  }
  return { ok: true, value: { tx, text, fulfillments } };
}

function conditionError(details: unknown, crypto: CryptoProvider): LedgerValidationError | null {
  try {
    conditionFromDetails(details, crypto);
    return null;
  } catch (e) {
    return detailsFailure(e);
  }
}

function detailsFailure(e: unknown): LedgerValidationError {
  if (e instanceof DetailsError) {
    return e.kind === 'tooDeep'
      ? { type: 'ThresholdTooDeep', message: '' }
      : { type: 'ValidationError', message: e.message };
  }
  throw e;
}

function validatePrepared(
  { tx, text, fulfillments }: Prepared,
  ctx: LedgerContext,
  crypto: CryptoProvider,
): ValidationResult<Transaction> {
  const base = text.signingBase();
  const assetId = assetIdOf(tx);

  if (tx.operation === 'CREATE') {
    if (ctx.getTransaction(tx.id)) return fail('DuplicateTransaction', messages.duplicate(tx.id));
    // The reference ties a CREATE's fulfillment to no condition (docs/PROTOCOL.md §3.5 step 5): any valid signer is
    // accepted.
    const ff = fulfillments[0];
    if (!ff || !verifyFulfillment(ff, digestForText(base, null, crypto), crypto))
      return fail('InvalidSignature', messages.signatureInvalid);
    return { ok: true, tx, assetId };
  }

  const spentOutputs: Output[] = [];
  const inputTxs: Transaction[] = [];
  for (const input of tx.inputs) {
    const link = input.fulfills!;
    const inputTx = ctx.getTransaction(link.transaction_id);
    if (!inputTx) return fail('InputDoesNotExist', messages.inputMissing(link.transaction_id));
    if (ctx.spentBy(link.transaction_id, link.output_index))
      return fail('DoubleSpend', messages.spent(link.transaction_id));
    // The reference crashes (500) on an index past the end; we answer as for a missing input (docs/PROTOCOL.md §8).
    const output = inputTx.outputs[link.output_index];
    if (!output) return fail('InputDoesNotExist', messages.inputMissing(link.transaction_id));
    spentOutputs.push(output);
    inputTxs.push(inputTx);
  }

  const links = new Set(tx.inputs.map((i) => `${i.fulfills!.transaction_id}${i.fulfills!.output_index}`));
  if (links.size !== tx.inputs.length) return fail('DoubleSpend', messages.spendsTwice(tx.id));

  const inputAssetIds = new Set(inputTxs.map(assetIdOf));
  if (inputAssetIds.size > 1) return fail('AssetIdMismatch', messages.assetIdsDiffer);
  if (!inputAssetIds.has(assetId)) return fail('AssetIdMismatch', messages.assetIdMismatch);

  const inAmount = spentOutputs.reduce((sum, o) => sum + BigInt(o.amount), 0n);
  const outAmount = tx.outputs.reduce((sum, o) => sum + BigInt(o.amount), 0n);
  if (inAmount !== outAmount) return fail('AmountError', messages.amountMismatch(inAmount, outAmount));

  for (let i = 0; i < tx.inputs.length; i++) {
    const ff = fulfillments[i];
    if (!ff || !fulfills(ff, (spentOutputs[i] as Output).condition.details, crypto))
      return fail('InvalidSignature', messages.signatureInvalid);
    if (!verifyFulfillment(ff, digestForText(base, tx.inputs[i]!.fulfills, crypto), crypto))
      return fail('InvalidSignature', messages.signatureInvalid);
  }
  return { ok: true, tx, assetId };
}

/** Does the fulfillment prove the spent output's condition? (one URI comparison checks keys, threshold and shape) */
function fulfills(ff: Fulfillment, details: unknown, crypto: CryptoProvider): boolean {
  try {
    return conditionsEqual(fulfillmentCondition(ff, crypto), conditionFromDetails(details, crypto));
  } catch {
    // e.g. a hostile tree whose cost no longer fits a safe integer: it cannot equal any real output's condition
    return false;
  }
}

/** Iterative, so hostile nesting cannot overflow the stack while it is being measured. */
function nestingExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, depth + 1]);
  }
  return false;
}

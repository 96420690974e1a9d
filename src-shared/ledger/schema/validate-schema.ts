// JSON-schema check of a transaction, in the reference's order (docs/PROTOCOL.md §4.1 step 3.2):
// the common v2.0 schema, then TRANSFER's when operation is "TRANSFER" and CREATE's otherwise.
import { explainSchemaError } from './explain';
import { createSchema, transactionSchema, transferSchema } from './schemas.generated';
import { validateCreate, validateTransaction, validateTransfer } from './validators.generated';

type Validator = ((value: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };

/** The reference's schema error message, or null when the transaction satisfies the schemas. */
export function schemaErrorMessage(tx: unknown): string | null {
  const common = validateTransaction as Validator;
  if (!common(tx)) return explainSchemaError(tx, transactionSchema) ?? fallback(common);
  const isTransfer = (tx as { operation?: unknown }).operation === 'TRANSFER';
  const specific = (isTransfer ? validateTransfer : validateCreate) as Validator;
  if (!specific(tx)) return explainSchemaError(tx, isTransfer ? transferSchema : createSchema) ?? fallback(specific);
  return null;
}

// Only reachable if the two validators disagreed (a test cross-checks them); still give a useful message.
function fallback(v: Validator): string {
  const e = v.errors?.[0];
  return e ? `${e.instancePath || 'transaction'} ${e.message ?? 'is invalid'}` : 'transaction is invalid';
}

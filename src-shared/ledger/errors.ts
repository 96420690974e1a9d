// Typed failures. `type` is the reference server's exception class name and `message` its exact text
// (docs/PROTOCOL.md §4.4, §4.8), so the node can answer the reference's 400 bodies verbatim.

export type LedgerErrorType =
  | 'SchemaValidationError'
  | 'InvalidHash'
  | 'InvalidSignature'
  | 'AmountError'
  | 'ValidationError'
  | 'DoubleSpend'
  | 'InputDoesNotExist'
  | 'DuplicateTransaction'
  | 'AssetIdMismatch'
  | 'ThresholdTooDeep';

export interface LedgerValidationError {
  type: LedgerErrorType;
  message: string;
}

export type ValidationResult<T> = { ok: true; tx: T; assetId: string } | { ok: false; error: LedgerValidationError };

/** The `message` field of the reference's 400 body for this error (docs/PROTOCOL.md §4.3). */
export function referenceErrorMessage(error: LedgerValidationError): string {
  return error.type === 'SchemaValidationError'
    ? `Invalid transaction schema: ${error.message}`
    : `Invalid transaction (${error.type}): ${error.message}`;
}

/** Thrown by builders and encoders for caller mistakes (never by the validator, which returns typed results). */
export class LedgerInputError extends Error {
  override readonly name = 'LedgerInputError';
  constructor(
    readonly code:
      'InvalidJson' | 'InvalidKey' | 'InvalidAmount' | 'InvalidCondition' | 'InvalidSpend' | 'SigningFailed',
    message: string,
  ) {
    super(message);
  }
}

export const messages = {
  noId: 'No transaction id found!',
  idMismatch: (posted: string) =>
    `The transaction's id '${posted}' isn't equal to the hash of its body, i.e. it's not valid.`,
  keyName: (key: string, where: 'asset' | 'metadata') =>
    `Invalid key name "${key}" in ${where} object. The key name cannot contain characters ".", "$" or null characters`,
  language: (value: string) =>
    `MongoDB does not support text search for the language "${value}". If you do not understand this error message then please rename key/field "language" to something else like "lang".`,
  fulfillmentParse: "Fulfillment URI couldn't been parsed",
  signatureInvalid: 'Transaction signature is invalid.',
  amountTooSmall: '`amount` must be greater than 0',
  amountTooLarge: '`amount` must be <= 9000000000000000000',
  duplicate: (id: string) => `transaction \`${id}\` already exists`,
  inputMissing: (txid: string) => `input \`${txid}\` doesn't exist`,
  spent: (txid: string) => `input \`${txid}\` was already spent`,
  spendsTwice: (id: string) => `tx "${id}" spends inputs twice`,
  assetIdsDiffer: 'All inputs of all transactions passed need to have the same asset id',
  assetIdMismatch: 'The asset id of the input does not match the asset id of the transaction',
  amountMismatch: (inputs: bigint, outputs: bigint) =>
    `The amount used in the inputs \`${inputs}\` needs to be same as the amount used in the outputs \`${outputs}\``,
  operationUnsupported: 'operation not supported',
} as const;

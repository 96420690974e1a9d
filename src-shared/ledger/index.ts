// Public API of the BigchainDB v2.0 transaction core. Pure TypeScript: runs in main, renderer, workers and tests.
export type {
  Json,
  JsonObject,
  Ed25519Details,
  ThresholdDetails,
  ConditionDetails,
  Condition,
  Output,
  OutputLink,
  Input,
  UnsignedInput,
  Operation,
  CreateAsset,
  TransferAsset,
  Asset,
  Transaction,
  UnsignedTransaction,
} from './types';
export type { LedgerErrorType, LedgerValidationError, ValidationResult } from './errors';
export { LedgerInputError, referenceErrorMessage } from './errors';
export type { CryptoProvider } from './crypto-provider';
export { pureCryptoProvider } from './crypto-provider';
export { canonicalJson } from './canonical-json';
export { transactionId, idPreimage, signingBase, inputDigest } from './transaction-hash';
export { toBase58, fromBase58, decodePublicKey, toBase64Url, fromBase64Url, toHex, fromHex } from './bytes';
export type { CryptoCondition } from './conditions';
export {
  conditionFromDetails,
  conditionUri,
  conditionUriFromDetails,
  conditionBinary,
  detailsPublicKeys,
} from './conditions';
export type { Fulfillment } from './fulfillments';
export { parseFulfillment, encodeFulfillment, fulfillmentCondition, verifyFulfillment } from './fulfillments';
export type { Spend } from './build';
export {
  ed25519Details,
  thresholdDetails,
  outputFromDetails,
  ed25519Output,
  thresholdOutput,
  makeCreate,
  makeCreateBy,
  makeTransfer,
  assetIdOf,
} from './build';
export type { Signer, SignOptions } from './sign';
export { signTransaction } from './sign';
export { MAX_AMOUNT } from './amounts';
export { isValidKeyName, VALID_LANGUAGES } from './key-rules';
export type { LedgerContext, AsyncLedgerContext } from './context';
export { contextFromTransactions } from './context';
export { validateTransaction, validateTransactionAsync, checkTransactionStructure } from './validate';

// Shapes of BigchainDB transaction model v2.0 (docs/PROTOCOL.md §1). Field names are the wire names.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export interface Ed25519Details {
  type: 'ed25519-sha-256';
  /** base58 of the 32-byte Ed25519 public key */
  public_key: string;
}

export interface ThresholdDetails {
  type: 'threshold-sha-256';
  threshold: number;
  subconditions: ConditionDetails[];
}

export type ConditionDetails = Ed25519Details | ThresholdDetails;

export interface Condition {
  details: ConditionDetails;
  uri: string;
}

export interface Output {
  condition: Condition;
  /** decimal string, 1 ≤ amount ≤ 9×10^18 */
  amount: string;
  public_keys: string[];
}

/** Names one output of an earlier transaction (`inputs[i].fulfills`). */
export interface OutputLink {
  transaction_id: string;
  output_index: number;
}

export interface Input {
  owners_before: string[];
  fulfills: OutputLink | null;
  /** base64url (no padding) of the DER fulfillment */
  fulfillment: string;
}

/**
 * An input before signing. `fulfillment` holds the condition details the input must satisfy (as the reference's
 * own unsigned form does); the signer reads which keys to ask for from it. It is nulled in every signing message.
 */
export interface UnsignedInput {
  owners_before: string[];
  fulfills: OutputLink | null;
  fulfillment: ConditionDetails | null;
}

export type Operation = 'CREATE' | 'TRANSFER';

export interface CreateAsset {
  data: JsonObject | null;
}

export interface TransferAsset {
  id: string;
}

export type Asset = CreateAsset | TransferAsset;

interface TransactionShape<I, Id> {
  id: Id;
  version: '2.0';
  operation: Operation;
  asset: Asset;
  metadata: JsonObject | null;
  inputs: I[];
  outputs: Output[];
}

/** A signed transaction whose id is set. */
export type Transaction = TransactionShape<Input, string>;

/** What `makeCreate` / `makeTransfer` return and `signTransaction` takes. */
export type UnsignedTransaction = TransactionShape<UnsignedInput, null>;

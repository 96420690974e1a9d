// The transaction id (docs/PROTOCOL.md §2.2) and the message each input signs (docs/PROTOCOL.md §2.3).
import { canonicalJson, compareCodePoints } from './canonical-json';
import { concatBytes, toHex, utf8 } from './bytes';
import type { CryptoProvider } from './crypto-provider';
import { pureCryptoProvider, sha3Text } from './crypto-provider';
import type { OutputLink } from './types';

/** Canonical JSON of the transaction with `id` null, fulfillments kept: the id preimage. */
export function idPreimage(tx: object): string {
  return canonicalJson({ ...tx, id: null });
}

/** Lowercase hex SHA3-256 of the id preimage. */
export function transactionId(tx: object, crypto: CryptoProvider = pureCryptoProvider): string {
  return toHex(sha3Text(crypto, idPreimage(tx)));
}

interface HashableTransaction {
  inputs: readonly { fulfills: OutputLink | null }[];
  outputs?: readonly { amount: string }[];
}

/**
 * Canonical JSON of the transaction with `id` and every input's `fulfillment` null: the common part of every
 * input's message. Amounts are written as the reference re-serializes them (`"007"` → `"7"`).
 */
export function signingBase<T extends HashableTransaction>(tx: T): string {
  return new TransactionText(tx as unknown as Record<string, unknown>).signingBase();
}

/** The 32-byte SHA3-256 digest input `index` signs. */
export function inputDigest<T extends HashableTransaction>(
  tx: T,
  index: number,
  crypto: CryptoProvider = pureCryptoProvider,
): Uint8Array {
  const base = utf8(signingBase(tx));
  return digestFor(base, tx.inputs[index]?.fulfills ?? null, crypto);
}

/** The digest input `fulfills` signs, from the signing base as text (see `digestFor`). */
export function digestForText(base: string, fulfills: OutputLink | null, crypto: CryptoProvider): Uint8Array {
  return sha3Text(crypto, fulfills === null ? base : base + fulfills.transaction_id + String(fulfills.output_index));
}

export function digestFor(base: Uint8Array, fulfills: OutputLink | null, crypto: CryptoProvider): Uint8Array {
  if (fulfills === null) return crypto.sha3_256(base);
  return crypto.sha3_256(concatBytes([base, utf8(fulfills.transaction_id + String(fulfills.output_index))]));
}

/**
 * Serializes a transaction's top-level members once and assembles both the id preimage and the signing base from
 * them, so validation writes the (possibly large) asset and metadata only once.
 */
export class TransactionText {
  private readonly keys: string[];
  private readonly parts = new Map<string, string>();

  constructor(private readonly tx: Record<string, unknown>) {
    this.keys = Object.keys(tx).filter((k) => tx[k] !== undefined);
    if (!this.keys.includes('id')) this.keys.push('id');
    this.keys.sort(compareCodePoints);
    for (const key of this.keys) {
      if (key === 'id') this.parts.set(key, 'null');
      else if (key !== 'inputs') this.parts.set(key, canonicalJson(tx[key]));
    }
  }

  idPreimage(): string {
    return this.assemble(this.keys.includes('inputs') ? canonicalJson(this.tx.inputs) : '');
  }

  /**
   * The id preimage of this transaction once `inputs` replace its own (signing fills in the fulfillments, nothing
   * else): what `idPreimage({ ...tx, inputs })` writes, without writing the asset, metadata and outputs again.
   */
  idPreimageWithInputs(inputs: unknown): string {
    return this.assemble(canonicalJson(inputs));
  }

  /** Call only on a schema-valid transaction. */
  signingBase(): string {
    const inputs = this.tx.inputs as Record<string, unknown>[];
    const unsigned = canonicalJson(inputs.map((i) => ({ ...i, fulfillment: null })));
    const outputs = this.tx.outputs as { amount: string }[] | undefined;
    const normalize = outputs?.some((o) => o.amount.length > 1 && o.amount.startsWith('0')) ?? false;
    const outputsText = normalize
      ? canonicalJson(outputs!.map((o) => ({ ...o, amount: BigInt(o.amount).toString() })))
      : undefined;
    return this.assemble(unsigned, outputsText);
  }

  private assemble(inputsText: string, outputsText?: string): string {
    let out = '{';
    for (let i = 0; i < this.keys.length; i++) {
      const key = this.keys[i] as string;
      const value =
        key === 'inputs'
          ? inputsText
          : key === 'outputs' && outputsText !== undefined
            ? outputsText
            : this.parts.get(key);
      out += (i === 0 ? '' : ',') + canonicalJson(key) + ':' + value;
    }
    return out + '}';
  }
}

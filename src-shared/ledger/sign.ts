// Signing with a caller-supplied function: the private key never enters this code (the vault holds it).
import { toBase64Url, toHex, utf8, decodePublicKey } from './bytes';
import { conditionFromDetails } from './conditions';
import type { CryptoProvider } from './crypto-provider';
import { pureCryptoProvider, sha3Text } from './crypto-provider';
import { LedgerInputError } from './errors';
import type { Fulfillment } from './fulfillments';
import { encodeFulfillment } from './fulfillments';
import { digestFor, TransactionText } from './transaction-hash';
import type { ConditionDetails, Input, Transaction, UnsignedTransaction } from './types';

/** Returns the 64-byte Ed25519 signature of `message` by the key whose base58 public key is `publicKey`. */
export type Signer = (publicKey: string, message: Uint8Array) => Promise<Uint8Array>;

export interface SignOptions {
  /**
   * Keys the signer can sign with. For an m-of-n threshold the first m members these keys can satisfy are
   * signed, in details order; the rest are listed as unfulfilled. Default: every key is assumed available.
   */
  keys?: readonly string[];
  /** Hashes the messages, and checks every signature the signer returns before it is embedded. */
  crypto?: CryptoProvider;
  /**
   * Check each returned signature (default true). Callers whose signer is known to produce valid RFC 8032 signatures
   * (the vault's libsodium key holder, itself tested against @noble) may skip it: a bad signature would still be
   * refused by the node, with its reason, and stay in the outbox — nothing is lost.
   */
  checkSignatures?: boolean;
}

export async function signTransaction(
  unsigned: UnsignedTransaction,
  signer: Signer,
  options: SignOptions = {},
): Promise<Transaction> {
  const crypto = options.crypto ?? pureCryptoProvider;
  const canSign = options.keys ? new Set(options.keys) : null;
  // One serialization of the asset, metadata and outputs for both the signed message and the id (a chart version's
  // metadata is its sealed box, a few kB).
  const text = new TransactionText(unsigned as unknown as Record<string, unknown>);
  const base = utf8(text.signingBase());
  const inputs: Input[] = [];
  for (const input of unsigned.inputs) {
    const details = input.fulfillment ?? soleOwnerDetails(input.owners_before);
    const digest = digestFor(base, input.fulfills, crypto);
    const fulfillment = await fulfill(details, digest, signer, canSign, crypto, options.checkSignatures ?? true);
    inputs.push({
      owners_before: input.owners_before,
      fulfills: input.fulfills,
      fulfillment: toBase64Url(encodeFulfillment(fulfillment)),
    });
  }
  const signed = { ...unsigned, inputs, id: '' };
  signed.id = toHex(sha3Text(crypto, text.idPreimageWithInputs(inputs)));
  return signed;
}

function soleOwnerDetails(owners: readonly string[]): ConditionDetails {
  if (owners.length !== 1) {
    throw new LedgerInputError('SigningFailed', 'an input without condition details must have exactly one owner');
  }
  return { type: 'ed25519-sha-256', public_key: owners[0] as string };
}

function satisfiable(details: ConditionDetails, canSign: Set<string> | null): boolean {
  if (details.type === 'ed25519-sha-256') return canSign === null || canSign.has(details.public_key);
  return details.subconditions.filter((d) => satisfiable(d, canSign)).length >= details.threshold;
}

async function fulfill(
  details: ConditionDetails,
  digest: Uint8Array,
  signer: Signer,
  canSign: Set<string> | null,
  crypto: CryptoProvider,
  check: boolean,
): Promise<Fulfillment> {
  if (details.type === 'ed25519-sha-256') {
    const publicKey = decodePublicKey(details.public_key);
    if (publicKey === null)
      throw new LedgerInputError('InvalidKey', `not a base58 Ed25519 public key: ${details.public_key}`);
    let signature: Uint8Array;
    try {
      signature = await signer(details.public_key, digest);
    } catch (e) {
      throw new LedgerInputError(
        'SigningFailed',
        `signer failed for ${details.public_key}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (
      !(signature instanceof Uint8Array) ||
      signature.length !== 64 ||
      (check && !crypto.ed25519Verify(signature, digest, publicKey))
    ) {
      throw new LedgerInputError('SigningFailed', `signer returned an invalid signature for ${details.public_key}`);
    }
    return { type: 'ed25519-sha-256', publicKey, signature };
  }
  const chosen: ConditionDetails[] = [];
  const rest: ConditionDetails[] = [];
  for (const sub of details.subconditions) {
    if (chosen.length < details.threshold && satisfiable(sub, canSign)) chosen.push(sub);
    else rest.push(sub);
  }
  if (chosen.length < details.threshold) {
    throw new LedgerInputError(
      'SigningFailed',
      `only ${chosen.length} of the ${details.threshold} required signers are available`,
    );
  }
  const subfulfillments: Fulfillment[] = [];
  for (const sub of chosen) subfulfillments.push(await fulfill(sub, digest, signer, canSign, crypto, check));
  return {
    type: 'threshold-sha-256',
    subfulfillments,
    subconditions: rest.map((d) => conditionFromDetails(d, crypto)),
  };
}

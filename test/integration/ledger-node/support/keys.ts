// Test identities and signing for transactions built with the official driver. Signing goes through the driver's
// delegateSignTransaction with node:crypto Ed25519 (the driver's own tweetnacl path signs ~80/s here), and the
// fulfillment DER is written per docs/PROTOCOL.md §3.3, so the node sees exactly what any BigchainDB client would send.
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { base58 } from '@scure/base';
import driver from 'bigchaindb-driver';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface TestKey {
  /** base58 public key (the BigchainDB owner key) */
  readonly publicKey: string;
  /** base58 32-byte seed, as the driver's Ed25519Keypair.privateKey */
  readonly privateKey: string;
  readonly raw: Buffer;
  signDigest(digest: Buffer): Buffer;
}

export function makeKey(seed: Buffer = randomBytes(32)): TestKey {
  const secret: KeyObject = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const raw = createPublicKey(secret).export({ format: 'der', type: 'spki' }).subarray(12);
  return {
    publicKey: base58.encode(raw),
    privateKey: base58.encode(seed),
    raw,
    signDigest: (digest) => sign(null, digest, secret),
  };
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

export function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Ed25519 fulfillment binary: A4 { 80 pk, 81 sig }. */
export function ed25519FulfillmentBinary(key: TestKey, digest: Buffer): Buffer {
  return tlv(0xa4, Buffer.concat([tlv(0x80, key.raw), tlv(0x81, key.signDigest(digest))]));
}

/** Threshold fulfillment binary with every member fulfilled (A1 set empty), sub-fulfillments sorted by DER. */
export function thresholdFulfillmentBinary(keys: readonly TestKey[], digest: Buffer): Buffer {
  const subs = keys.map((key) => ed25519FulfillmentBinary(key, digest)).sort(Buffer.compare);
  return tlv(0xa2, Buffer.concat([tlv(0xa0, Buffer.concat(subs)), tlv(0xa1, Buffer.alloc(0))]));
}

interface DriverInput {
  fulfills: { transaction_id: string; output_index: number } | null;
}

/**
 * The digest input `index` signs (docs/PROTOCOL.md §2.3), from the driver's serialization of the unsigned transaction.
 */
export function inputDigest(serialized: string, input: DriverInput): Buffer {
  const suffix = input.fulfills ? `${input.fulfills.transaction_id}${input.fulfills.output_index}` : '';
  return createHash('sha3-256')
    .update(serialized + suffix)
    .digest();
}

/** Signs input i with signers[i] (a key, or several keys for a fully fulfilled threshold). */
export function signTx<T extends object>(
  unsigned: T,
  signers: readonly (TestKey | readonly TestKey[])[],
): T & { id: string } {
  const signed = driver.Transaction.delegateSignTransaction(unsigned as never, (serialized, input, index) => {
    const signer = signers[index ?? 0];
    if (!signer) throw new Error(`no signer for input ${index}`);
    const digest = inputDigest(serialized, input as DriverInput);
    const binary = Array.isArray(signer)
      ? thresholdFulfillmentBinary(signer as readonly TestKey[], digest)
      : ed25519FulfillmentBinary(signer as TestKey, digest);
    return b64url(binary);
  });
  return signed as unknown as T & { id: string };
}

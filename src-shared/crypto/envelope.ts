// The envelope: the metadata of every chart transaction (docs/DESIGN.md §2). The version's content is sealed with a
// fresh random 32-byte data key (tweetnacl secretbox, XSalsa20-Poly1305); the data key is wrapped to each reader's
// X25519 box key with an anonymous sealed box. The clear part (action, seq, time, author, reader keys) carries no
// health data; it is authenticated by the transaction's signature, not by the box.
import nacl from 'tweetnacl';
import { z } from 'zod';
import { fromBase64, isBase64, randomBytes, toBase64, wipe } from './bytes';
import { sealTo } from './sealed-box';
import { BASE58_KEY, HEX64 } from '../ledger/patterns';
import { CHART_ACTIONS } from '../records/actions';
import { envelopeFastAccept } from './envelope-fast-accept';

export const ENVELOPE_TYPE = 'hc.chart.version/1';
export const ENVELOPE_ACTIONS = CHART_ACTIONS;
export type EnvelopeAction = (typeof ENVELOPE_ACTIONS)[number];

const base64 = () => z.string().refine(isBase64, { error: 'Not padded standard base64' });

export const envelopeSchema = z.strictObject({
  type: z.literal(ENVELOPE_TYPE),
  action: z.enum(ENVELOPE_ACTIONS),
  seq: z.number().int().min(1),
  at: z.iso.datetime({ offset: true }),
  author: z.string().regex(BASE58_KEY),
  /** Asset id of the chart; absent on the CREATE, whose own id is the asset id (it cannot contain its own hash). */
  chart: z.string().regex(HEX64).optional(),
  readers: z
    .array(z.strictObject({ key: z.string().regex(BASE58_KEY), wrap: base64() }))
    .min(1)
    .refine((rs) => new Set(rs.map((r) => r.key)).size === rs.length, { error: 'a reader is listed twice' }),
  nonce: base64(),
  box: base64(),
});

export type Envelope = z.infer<typeof envelopeSchema>;
const alreadyValid = envelopeFastAccept(envelopeSchema, ENVELOPE_TYPE, ENVELOPE_ACTIONS);
/** Built once: deriving a zod schema costs far more than using it (it showed in bulk-import profiles). */
const headerSchema = envelopeSchema.pick({ action: true, seq: true, at: true, author: true, chart: true });
export type EnvelopeHeader = Pick<Envelope, 'action' | 'seq' | 'at' | 'author' | 'chart'>;

export type EnvelopeProblem = 'malformed' | 'not-a-reader' | 'wrap' | 'box';

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  constructor(
    readonly problem: EnvelopeProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Whoever can open a wrapped data key: the vault's KeyHolder fits (unwrapping happens in the vault). */
export interface EnvelopeReaderKey {
  readonly boxKey: string;
  openSealed(sealed: Uint8Array): Promise<Uint8Array>;
  /**
   * Envelope v3's pair key K(W→R) (KeyHolder.pairKey): a reader that has it opens its keyed slots (a continuing
   * reader's, the creator's: docs/UNLINKABLE.md §4) without an X25519; one without it reads sealed boxes only.
   */
  pairKey?(writerBoxKey: string, readerBoxKey: string): Uint8Array;
}

/**
 * The envelope, checked for shape; throws EnvelopeError('malformed') naming the first bad field. An envelope already
 * in the schema's output shape is returned as the very object given: envelopes are read, never written to.
 */
export function parseEnvelope(value: unknown): Envelope {
  // An envelope zod would return unchanged is returned as it is (envelope-fast-accept.ts); zod decides the rest.
  if (alreadyValid(value)) return value as Envelope;
  const result = envelopeSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? issue.path.join('.') : 'envelope';
  throw new EnvelopeError('malformed', `The envelope is malformed at ${where}: ${issue?.message ?? 'unknown problem'}`);
}

export function isEnvelope(value: unknown): value is Envelope {
  return envelopeSchema.safeParse(value).success;
}

/** Wraps a data key to a reader's box key in the pinned sealed-box format (sealed-box.ts `sealTo`). */
export type WrapKey = (recipientBoxKey: string, dataKey: Uint8Array) => Uint8Array;

/**
 * The data key's box: XSalsa20-Poly1305 sealing (MAC ‖ ciphertext, as tweetnacl's secretbox writes) and the random
 * bytes for the key and nonce. Node code passes libsodium's (src-main/crypto/secretbox.ts), the same format.
 */
export interface EnvelopeBox {
  seal(plaintext: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  randomBytes(length: number): Uint8Array;
}

const tweetnaclBox: EnvelopeBox = { seal: (p, n, k) => nacl.secretbox(p, n, k), randomBytes };

/**
 * Seals `plaintext` under a fresh data key wrapped to every reader (duplicates removed, order kept). `wrap` and `box`
 * let Node code use libsodium implementations of the same formats (src-main/crypto); the defaults are pure JS.
 */
export function sealEnvelope(
  header: EnvelopeHeader,
  plaintext: Uint8Array,
  readerBoxKeys: readonly string[],
  wrap: WrapKey = sealTo,
  box: EnvelopeBox = tweetnaclBox,
): Envelope {
  const keys = [...new Set(readerBoxKeys)];
  if (keys.length === 0) throw new EnvelopeError('malformed', 'An envelope needs at least one reader');
  const problem = headerSchema.safeParse(header);
  if (!problem.success)
    throw new EnvelopeError('malformed', `Bad envelope header: ${problem.error.issues[0]?.path.join('.')}`);
  const dataKey = box.randomBytes(nacl.secretbox.keyLength);
  const nonce = box.randomBytes(nacl.secretbox.nonceLength);
  try {
    const sealed = box.seal(plaintext, nonce, dataKey);
    const readers = keys.map((key) => ({ key, wrap: toBase64(wrap(key, dataKey)) }));
    return {
      type: ENVELOPE_TYPE,
      action: header.action,
      seq: header.seq,
      at: header.at,
      author: header.author,
      ...(header.chart === undefined ? {} : { chart: header.chart }),
      readers,
      nonce: toBase64(nonce),
      box: toBase64(sealed),
    };
  } finally {
    wipe(dataKey);
  }
}

export function isReader(envelope: Envelope, boxKey: string): boolean {
  return envelope.readers.some((r) => r.key === boxKey);
}

/** XSalsa20-Poly1305 opening (tweetnacl's `secretbox.open` by default; Node code may pass libsodium's): null if altered. */
export type SecretboxOpen = (box: Uint8Array, nonce: Uint8Array, key: Uint8Array) => Uint8Array | null;

/** Opens the envelope as `reader`; throws EnvelopeError saying exactly which step failed. */
export async function openEnvelope(
  envelope: Envelope,
  reader: EnvelopeReaderKey,
  secretboxOpen: SecretboxOpen = nacl.secretbox.open,
): Promise<Uint8Array> {
  const entry = envelope.readers.find((r) => r.key === reader.boxKey);
  if (!entry) throw new EnvelopeError('not-a-reader', 'This version was not shared with this key');
  let dataKey: Uint8Array;
  try {
    dataKey = await reader.openSealed(decodeBase64(entry.wrap, 'wrap'));
  } catch (cause) {
    throw new EnvelopeError('wrap', `The data key wrapped to this reader does not open (${(cause as Error).message})`);
  }
  try {
    if (dataKey.length !== nacl.secretbox.keyLength) {
      throw new EnvelopeError(
        'wrap',
        `The wrapped data key has ${dataKey.length} bytes instead of ${nacl.secretbox.keyLength}`,
      );
    }
    const nonce = decodeBase64(envelope.nonce, 'box');
    if (nonce.length !== nacl.secretbox.nonceLength)
      throw new EnvelopeError('box', 'The envelope nonce is not 24 bytes');
    const box = decodeBase64(envelope.box, 'box');
    const opened = box.length < nacl.secretbox.overheadLength ? null : secretboxOpen(box, nonce, dataKey);
    if (!opened) throw new EnvelopeError('box', 'The sealed chart does not open with its data key: it was altered');
    return opened;
  } finally {
    wipe(dataKey);
  }
}

function decodeBase64(text: string, problem: EnvelopeProblem): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    throw new EnvelopeError(
      problem,
      `The envelope's ${problem === 'wrap' ? 'wrapped key' : 'sealed chart'} is not valid base64`,
    );
  }
}

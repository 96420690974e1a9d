// A transaction signed by several officers, each on their own machine: the unsigned transaction travels as a file,
// each officer adds their signatures (one per input), and once enough are in, anyone assembles the fulfillments.
// The file holds public data only (the unsigned transaction and signatures); no key ever enters it. A quorum move of
// an envelope v3 chart adds `officerSlots`: per officer, a box sealed to its box key with its tweak for the chart's
// head and what the move does (src-main/authority/quorum-move-slots.ts); nothing in clear says whose slot is whose.
//
//   { "format": "healthchain.partial-transaction", "version": 1, "purpose": "<what it does>",
//     "unsigned": <UnsignedTransaction>, "signatures": { "<signKey>": ["<base64url sig of input 0>", …] } }
import { z } from 'zod';
import {
  decodePublicKey,
  detailsPublicKeys,
  fromBase64Url,
  inputDigest,
  pureCryptoProvider,
  signTransaction,
  toBase64Url,
  toHex,
  type ConditionDetails,
  type CryptoProvider,
  type Transaction,
  type UnsignedTransaction,
} from '../ledger';
import { AUTHORITY_TYPE, CREDENTIAL_RENEW_TYPE, CREDENTIAL_REVOKE_TYPE, CREDENTIAL_TYPE } from './model';
import { AuthorityInputError } from './transactions';

export const PARTIAL_FORMAT = 'healthchain.partial-transaction';

export interface PartialTransaction {
  format: typeof PARTIAL_FORMAT;
  version: 1;
  purpose: string;
  unsigned: UnsignedTransaction;
  signatures: Record<string, string[]>;
  /** Envelope v3 quorum moves only: sealed boxes, one per officer of the chart's quorum, in random order. */
  officerSlots?: string[];
}

/** Anyone who can sign for an input: the Ed25519 keys in its condition details. */
export interface OfficerSigner {
  readonly signKey: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

const fileSchema = z.object({
  format: z.literal(PARTIAL_FORMAT),
  version: z.literal(1),
  purpose: z.string().max(500),
  unsigned: z.object({
    id: z.null(),
    version: z.literal('2.0'),
    operation: z.enum(['CREATE', 'TRANSFER']),
    asset: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    inputs: z
      .array(
        z.object({
          owners_before: z.array(z.string()),
          fulfills: z.unknown(),
          fulfillment: z.record(z.string(), z.unknown()),
        }),
      )
      .min(1)
      .max(10),
    outputs: z.array(z.unknown()).min(1),
  }),
  signatures: z.record(z.string(), z.array(z.string())),
  officerSlots: z.array(z.string().min(1).max(4_000)).min(1).max(32).optional(),
});

export function startPartial(unsigned: UnsignedTransaction, purpose: string): PartialTransaction {
  return { format: PARTIAL_FORMAT, version: 1, purpose, unsigned, signatures: {} };
}

/** Parses a partial-transaction file; throws AuthorityInputError naming what is wrong. */
export function parsePartial(text: string): PartialTransaction {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AuthorityInputError('This partially signed transaction file is not JSON.');
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuthorityInputError(
      `This is not a partially signed transaction file (${issue?.path.join('.') || 'document'}: ${issue?.message}).`,
    );
  }
  return parsed.data as unknown as PartialTransaction;
}

function membersOf(details: ConditionDetails): Set<string> {
  return new Set(detailsPublicKeys(details));
}

/** Adds `signer`'s signature to every input whose condition names its key. Checks each before keeping it. */
export async function addSignatures(
  partial: PartialTransaction,
  signer: OfficerSigner,
  crypto: CryptoProvider = pureCryptoProvider,
): Promise<PartialTransaction> {
  const { unsigned } = partial;
  const publicKey = decodePublicKey(signer.signKey);
  if (!publicKey) throw new AuthorityInputError(`"${signer.signKey}" is not a signing key`);
  const sigs: string[] = [];
  let member = false;
  for (let i = 0; i < unsigned.inputs.length; i++) {
    const details = unsigned.inputs[i]!.fulfillment;
    if (!details || !membersOf(details).has(signer.signKey)) {
      sigs.push('');
      continue;
    }
    member = true;
    const digest = inputDigest(unsigned, i, crypto);
    const signature = await signer.sign(digest);
    if (signature.length !== 64 || !crypto.ed25519Verify(signature, digest, publicKey)) {
      throw new AuthorityInputError(`the signature made by ${signer.signKey} does not verify`);
    }
    sigs.push(toBase64Url(signature));
  }
  if (!member)
    throw new AuthorityInputError(
      `${signer.signKey} is not one of the keys this transaction needs (${[...requiredKeys(partial)].join(', ')})`,
    );
  return { ...partial, signatures: { ...partial.signatures, [signer.signKey]: sigs } };
}

export function requiredKeys(partial: PartialTransaction): Set<string> {
  const keys = new Set<string>();
  for (const input of partial.unsigned.inputs)
    if (input.fulfillment) for (const k of membersOf(input.fulfillment)) keys.add(k);
  return keys;
}

/** Officers who signed, in the file (only keys the transaction names, with a signature that verifies). */
export function signedBy(partial: PartialTransaction, crypto: CryptoProvider = pureCryptoProvider): string[] {
  const wanted = requiredKeys(partial);
  return Object.keys(partial.signatures).filter((k) => wanted.has(k) && signaturesOf(partial, k, crypto) !== null);
}

function signaturesOf(
  partial: PartialTransaction,
  signKey: string,
  crypto: CryptoProvider,
): Map<string, Uint8Array> | null {
  const publicKey = decodePublicKey(signKey);
  const sigs = partial.signatures[signKey];
  if (!publicKey || !sigs) return null;
  const byDigest = new Map<string, Uint8Array>();
  for (let i = 0; i < partial.unsigned.inputs.length; i++) {
    const details = partial.unsigned.inputs[i]!.fulfillment;
    if (!details || !membersOf(details).has(signKey)) continue;
    const signature = fromBase64Url(sigs[i] ?? '');
    const digest = inputDigest(partial.unsigned, i, crypto);
    if (!signature || signature.length !== 64 || !crypto.ed25519Verify(signature, digest, publicKey)) return null;
    byDigest.set(toHex(digest), signature);
  }
  return byDigest;
}

/**
 * The signed transaction, once the signatures in the file satisfy every input's condition. Throws
 * AuthorityInputError saying how many signatures are missing (nothing partial is ever produced).
 */
export async function assemble(
  partial: PartialTransaction,
  crypto: CryptoProvider = pureCryptoProvider,
): Promise<Transaction> {
  const bySigner = new Map<string, Map<string, Uint8Array>>();
  for (const key of signedBy(partial, crypto)) bySigner.set(key, signaturesOf(partial, key, crypto)!);
  try {
    return await signTransaction(
      partial.unsigned,
      async (publicKey, digest) => {
        const signature = bySigner.get(publicKey)?.get(toHex(digest));
        if (!signature) throw new Error('no signature');
        return signature;
      },
      { keys: [...bySigner.keys()], crypto },
    );
  } catch (error) {
    const have = bySigner.size;
    throw new AuthorityInputError(
      `Not enough officer signatures yet (${have} valid signature(s) from ${[...bySigner.keys()].join(', ') || 'nobody'}): ${(error as Error).message}`,
    );
  }
}

/**
 * What the transaction does, read from the transaction itself (the file's `purpose` is only its author's word):
 * shown to an officer before they sign.
 */
export function describePartial(partial: PartialTransaction): string {
  const u = partial.unsigned;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');
  if (u.operation === 'CREATE') {
    const d = ((u.asset as { data?: unknown }).data ?? {}) as Record<string, unknown>;
    if (d.type === AUTHORITY_TYPE) {
      const officers = Array.isArray(d.officers) ? (d.officers as Record<string, unknown>[]) : [];
      return `set up the hospital authority "${str(d.name)}": ${str(d.threshold)} of ${officers.length} officers (${officers.map((o) => `${str(o.name)} ${str(o.signKey)}`).join('; ')}), recovery key ${str(d.recoveryKey)}`;
    }
    if (d.type === CREDENTIAL_TYPE) {
      return (
        `issue a credential to ${str(d.name)}, licence ${str(d.licence)}, ${str(d.specialty) || 'no specialty'}, signKey ${str(d.signKey)}, valid ${str(d.validFrom)} to ${str(d.validUntil)}` +
        `${d.supersedes ? `, replacing credential ${str(d.supersedes)}` : ''} (authority ${str(d.authority)})`
      );
    }
    return `create an asset of unknown type ${str(d.type)}`;
  }
  const m = (u.metadata ?? {}) as Record<string, unknown>;
  const asset = str((u.asset as { id?: unknown }).id);
  if (partial.officerSlots)
    return `move chart ${asset} by the quorum (an envelope v3 chart: what the move does is sealed to each officer of its quorum)`;
  if (m.type === CREDENTIAL_RENEW_TYPE) return `renew credential ${asset} until ${str(m.validUntil)}`;
  if (m.type === CREDENTIAL_REVOKE_TYPE) return `revoke credential ${asset}${m.reason ? ` (${str(m.reason)})` : ''}`;
  if (m.type === 'hc.chart.version/1' && m.action === 'custody') {
    // The new custodian is the first key of the output (1-of-[custodian, quorum]); the reason is sealed in the chart.
    const to = str((u.outputs[0] as { public_keys?: unknown[] } | undefined)?.public_keys?.[0]);
    return `move custody of chart ${asset} (version ${str(m.seq)}) to ${to}, by the quorum`;
  }
  return `transfer asset ${asset} (unknown act ${str(m.type)})`;
}

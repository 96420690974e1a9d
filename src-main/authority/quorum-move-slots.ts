// An envelope v3 chart moved by a quorum whose officers sign on separate machines (docs/AUTHORITY.md, "Officers on
// separate machines"; docs/UNLINKABLE.md §9). Each officer signs the head's input with its key tweaked for its slot,
// o_i + t(s,i), and only the coordinator (who rebuilt the recovery key and opened the head) knows s. So the move's file
// carries, per officer, a box sealed to its box key holding its tweak t(s,i) — never s, which would also open the
// chart — and what the move does, the digest of the transaction it is for, and the coordinator's proof of being an
// officer of this chart's quorum: the coordinator's tweak and a signature by its directory key over that digest. The
// boxes are anonymous and in random order: the file names no officer, and an officer finds its box by opening them.
//
// An officer signs only when its box opens, the transaction in the file is the one the digest names (nothing was
// altered after the coordinator wrote it), its own tweaked key and the coordinator's are keys the transaction's input
// needs, and the coordinator's directory key signed the digest: someone who knows the head's secret but is no officer
// (the patient, a shared doctor) can compute tweaks, but cannot sign for an officer's directory key.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  AuthorityInputError,
  requiredKeys,
  type OfficerSigner,
  type PartialTransaction,
} from '../../src-shared/authority';
import { fromBase64, randomBytes, toBase64 } from '../../src-shared/crypto/bytes';
import { canonicalJson, decodePublicKey, toBase58, toHex, type UnsignedTransaction } from '../../src-shared/ledger';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { sealTo } from '../crypto/sealed-box';
import { tweakPublicKeyNative } from '../crypto/unlinkable-keys';
import { signPartial } from './hospital';

const SLOT_FORMAT = 'hc.quorum-move-slot/1';
const DIGEST_DOMAIN = 'hc.quorum-move/1';
/** What the clear `purpose` of such a file says: the real one is sealed in each officer's box. */
export const SEALED_PURPOSE =
  'Move custody of an envelope v3 chart by the quorum (what it does is sealed to each officer)';

/** An officer key that can open its box and sign with a tweaked key (a SeedKeyHolder from the officer keychain). */
export interface SlotOfficer extends OfficerSigner {
  readonly boxKey: string;
  openSealed(sealed: Uint8Array): Promise<Uint8Array>;
  signTweaked?(tweak: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
}

const slotSchema = z.object({
  format: z.literal(SLOT_FORMAT),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  purpose: z.string().max(500),
  tweak: z.string().min(1).max(100),
  coordinator: z.object({
    signKey: z.string().min(32).max(50),
    tweak: z.string().min(1).max(100),
    signature: z.string().min(1).max(200),
  }),
});

/** The move's digest: the unsigned transaction and what it does, as the coordinator wrote them (exported for tests). */
export function moveDigest(unsigned: UnsignedTransaction, purpose: string): string {
  return createHash('sha256')
    .update(canonicalJson({ domain: DIGEST_DOMAIN, purpose, unsigned }), 'utf8')
    .digest('hex');
}

const digestMessage = (digest: string) => new TextEncoder().encode(`${DIGEST_DOMAIN}:${digest}`);

function tweaked(signKey: string, tweak: Uint8Array): string {
  const key = decodePublicKey(signKey);
  if (!key) throw new AuthorityInputError(`"${signKey}" is not a signing key`);
  try {
    return toBase58(tweakPublicKeyNative(key, tweak));
  } catch (error) {
    throw new AuthorityInputError(
      `A tweak in this file is not a valid scalar for ${signKey}: ${(error as Error).message}`,
    );
  }
}

/** Base64 from the file, or a refusal naming the field (instead of a decoder's error). */
function bytesOf(text: string, what: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    throw new AuthorityInputError(`This file's ${what} is not base64`);
  }
}

function tweakingSigner(officer: SlotOfficer, tweak: Uint8Array): OfficerSigner {
  if (!officer.signTweaked)
    throw new AuthorityInputError(`Officer ${officer.signKey} cannot sign with a tweaked key on this machine`);
  const signTweaked = officer.signTweaked.bind(officer);
  return { signKey: tweaked(officer.signKey, tweak), sign: (message) => signTweaked(tweak, message) };
}

/** One officer's slot in the chart head's quorum: its box key and its tweak t(s,i). */
export interface QuorumSlot {
  officer: string;
  boxKey: string;
  tweak: Uint8Array;
}

/**
 * The move's file: `unsigned` with a box per slot of the quorum, signed at once by the coordinator (one of the slots,
 * unlocked here). `purpose` travels only inside the boxes.
 */
export async function startSlotMove(
  unsigned: UnsignedTransaction,
  purpose: string,
  coordinator: SlotOfficer,
  slots: readonly QuorumSlot[],
): Promise<PartialTransaction> {
  const own = slots.find((s) => s.officer === coordinator.signKey);
  if (!own) throw new AuthorityInputError(`${coordinator.signKey} is not an officer of this chart's quorum`);
  const digest = moveDigest(unsigned, purpose);
  const proof = {
    signKey: coordinator.signKey,
    tweak: toBase64(own.tweak),
    signature: toBase64(await coordinator.sign(digestMessage(digest))),
  };
  const boxes = slots.map((slot) =>
    toBase64(
      sealTo(
        slot.boxKey,
        new TextEncoder().encode(
          JSON.stringify({ format: SLOT_FORMAT, digest, purpose, tweak: toBase64(slot.tweak), coordinator: proof }),
        ),
      ),
    ),
  );
  // Random order: a box's place must not say whose it is (the quorum's order is the authority's officer list).
  const order = boxes.map((box) => ({ box, key: toHex(randomBytes(8)) })).sort((a, b) => (a.key < b.key ? -1 : 1));
  const partial: PartialTransaction = {
    format: 'healthchain.partial-transaction',
    version: 1,
    purpose: SEALED_PURPOSE,
    unsigned,
    signatures: {},
    officerSlots: order.map((o) => o.box),
  };
  return signPartial(partial, tweakingSigner(coordinator, own.tweak));
}

/** The officer's box in the file, opened and checked (see the top of this file); throws naming what is wrong. */
export async function openSlot(
  partial: PartialTransaction,
  officer: SlotOfficer,
): Promise<{ purpose: string; tweak: Uint8Array; coordinator: string; signers: Map<string, string> }> {
  let text: string | null = null;
  for (const box of partial.officerSlots ?? []) {
    try {
      text = new TextDecoder().decode(await officer.openSealed(bytesOf(box, 'officer box')));
      break;
    } catch {
      // Another officer's box.
    }
  }
  if (text === null)
    throw new AuthorityInputError(
      `No box in this file opens with officer ${officer.signKey}'s key: it is not an officer of this chart's quorum (or the file's boxes were altered)`,
    );
  let parsed: z.infer<typeof slotSchema>;
  try {
    parsed = slotSchema.parse(JSON.parse(text));
  } catch {
    throw new AuthorityInputError(`Officer ${officer.signKey}'s box in this file is not a quorum-move slot`);
  }
  if (moveDigest(partial.unsigned, parsed.purpose) !== parsed.digest)
    throw new AuthorityInputError(
      'The transaction in this file is not the one its coordinator prepared (it was altered after it was written): not signed',
    );
  const needed = requiredKeys(partial);
  const tweak = bytesOf(parsed.tweak, 'tweak');
  const coordinatorKey = decodePublicKey(parsed.coordinator.signKey);
  const coordinatorTweaked =
    coordinatorKey === null
      ? null
      : tweaked(parsed.coordinator.signKey, bytesOf(parsed.coordinator.tweak, "coordinator's tweak"));
  const proven =
    coordinatorTweaked !== null &&
    coordinatorKey !== null &&
    needed.has(coordinatorTweaked) &&
    nativeLedgerCrypto.ed25519Verify(
      bytesOf(parsed.coordinator.signature, "coordinator's signature"),
      digestMessage(parsed.digest),
      coordinatorKey,
    );
  if (!proven)
    throw new AuthorityInputError(
      `This move was not prepared by an officer of the chart's quorum (${parsed.coordinator.signKey} does not prove it): not signed`,
    );
  const own = tweaked(officer.signKey, tweak);
  if (!needed.has(own))
    throw new AuthorityInputError(
      `Officer ${officer.signKey}'s tweak in this file does not fit the chart version the transaction spends: not signed`,
    );
  // The two tweaked keys this officer can map back to a directory key: its own and the coordinator's. Any other
  // officer's tweak is sealed to that officer alone, so the file names no one to a reader without a box.
  const signers = new Map([
    [coordinatorTweaked, parsed.coordinator.signKey],
    [own, officer.signKey],
  ]);
  return { purpose: parsed.purpose, tweak, coordinator: parsed.coordinator.signKey, signers };
}

/** The officer's signature added to the file with its tweaked key, after openSlot's checks. */
export async function signSlot(
  partial: PartialTransaction,
  officer: SlotOfficer,
): Promise<{ partial: PartialTransaction; purpose: string; signers: Map<string, string> }> {
  const { purpose, tweak, signers } = await openSlot(partial, officer);
  try {
    return { partial: await signPartial(partial, tweakingSigner(officer, tweak)), purpose, signers };
  } finally {
    tweak.fill(0);
  }
}

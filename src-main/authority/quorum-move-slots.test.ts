// The sealed officer boxes of an envelope v3 quorum move (quorum-move-slots.ts), on a transaction spending an output
// 1-of-[custodian, 2-of-3 officers] whose keys are tweaked for a head secret: officers sign with their tweaked keys and
// the file assembles; an altered file, an officer with no box, a box whose tweak does not fit, and a move forged by
// someone who knows the head's secret but is no officer (a patient can compute every tweak) are each refused.
import { describe, expect, it } from 'vitest';
import { assemble, custodyDetails, type PartialTransaction } from '../../src-shared/authority';
import { toBase64 } from '../../src-shared/crypto/bytes';
import { newSeed } from '../../src-shared/crypto/keys';
import {
  ed25519Details,
  makeCreate,
  makeTransfer,
  outputFromDetails,
  signTransaction,
  thresholdDetails,
  toBase58,
} from '../../src-shared/ledger';
import { signerFor } from '../../src-shared/crypto/keyholder';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { sealTo } from '../crypto/sealed-box';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { ownerTweakNative, tweakPublicKeyNative } from '../crypto/unlinkable-keys';
import { fromBase58 } from '../../src-shared/ledger';
import { moveDigest, openSlot, signSlot, startSlotMove, type QuorumSlot } from './quorum-move-slots';

const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
const tweaked = (signKey: string, tweak: Uint8Array) => toBase58(tweakPublicKeyNative(fromBase58(signKey)!, tweak));

async function setUp() {
  const officers = [holder(), holder(), holder()];
  const [custodian, patient, stranger] = [holder(), holder(), holder()];
  const secret = new Uint8Array(32).fill(7); // the head's secret: every reader of the head knows it
  const slots: QuorumSlot[] = officers.map((o, i) => ({
    officer: o.signKey,
    boxKey: o.boxKey,
    tweak: ownerTweakNative(secret, 3, 1 + i),
  }));
  const quorum = thresholdDetails(
    2,
    slots.map((s) => tweaked(s.officer, s.tweak)),
  );
  const owner = tweaked(custodian.signKey, ownerTweakNative(secret, 3, 0));
  const create = await signTransaction(
    makeCreate({ type: 'test' }, null, [outputFromDetails(custodyDetails(owner, quorum))], [custodian.signKey]),
    signerFor(custodian),
    { crypto: nativeLedgerCrypto },
  );
  const unsigned = makeTransfer([{ tx: create, outputIndex: 0 }], [outputFromDetails(ed25519Details(owner))], {
    note: 'sealed in v3',
  });
  return { officers, custodian, patient, stranger, slots, unsigned };
}

describe('quorum move slots', () => {
  it('the coordinator signs at once, a second officer signs from its box, and the file assembles', async () => {
    const { officers, slots, unsigned } = await setUp();
    const started = await startSlotMove(unsigned, 'move chart X to Dr B', officers[0]!, slots);
    const text = JSON.stringify(started);
    for (const o of officers) expect(text).not.toContain(o.signKey);
    expect(text).not.toContain('Dr B');
    await expect(assemble(started, nativeLedgerCrypto)).rejects.toThrow(/Not enough officer signatures yet/);
    const { partial, purpose } = await signSlot(started, officers[2]!);
    expect(purpose).toBe('move chart X to Dr B');
    const tx = await assemble(partial, nativeLedgerCrypto);
    expect(tx.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("maps back only the officer's own tweaked key and the coordinator's: a third officer's stays unnamed", async () => {
    const { officers, slots, unsigned } = await setUp();
    const started = await startSlotMove(unsigned, 'move chart X to Dr B', officers[0]!, slots);
    const { signers } = await openSlot(started, officers[1]!);
    expect(signers).toEqual(
      new Map([
        [tweaked(officers[0]!.signKey, slots[0]!.tweak), officers[0]!.signKey],
        [tweaked(officers[1]!.signKey, slots[1]!.tweak), officers[1]!.signKey],
      ]),
    );
    // Officer 3's tweaked key is one the input needs, but nothing in officer 2's box gives it.
    expect([...signers.keys()]).not.toContain(tweaked(officers[2]!.signKey, slots[2]!.tweak));
    expect((await signSlot(started, officers[1]!)).signers).toEqual(signers);
  });

  it('refuses an altered file, an officer with no box, and a tweak that does not fit', async () => {
    const { officers, stranger, slots, unsigned } = await setUp();
    const started = await startSlotMove(unsigned, 'move chart X to Dr B', officers[0]!, slots);
    const altered: PartialTransaction = JSON.parse(JSON.stringify(started));
    (altered.unsigned.metadata as { note: string }).note = 'pay it to me';
    await expect(signSlot(altered, officers[1]!)).rejects.toThrow(/altered after it was written/);
    await expect(signSlot(started, stranger)).rejects.toThrow(/No box in this file opens with officer/);
    // Officer 2's box holding officer 3's tweak (a box sealed by the coordinator, but for the wrong slot).
    const wrong = await startSlotMove(unsigned, 'move chart X to Dr B', officers[0]!, [
      slots[0]!,
      { ...slots[1]!, tweak: slots[2]!.tweak },
      slots[2]!,
    ]);
    await expect(signSlot(wrong, officers[1]!)).rejects.toThrow(/does not fit the chart version/);
  });

  it('refuses a move forged by a reader of the head who is no officer', async () => {
    const { officers, patient, slots, unsigned } = await setUp();
    // The patient knows the head's secret, so every tweak, and names officer 1 as coordinator with its right
    // tweak; but it can only sign with its own key, not officer 1's directory key.
    const purpose = 'move chart X to the patient';
    const digest = moveDigest(unsigned, purpose);
    const proof = {
      signKey: officers[0]!.signKey,
      tweak: toBase64(slots[0]!.tweak),
      signature: toBase64(await patient.sign(new TextEncoder().encode(`hc.quorum-move/1:${digest}`))),
    };
    const forged: PartialTransaction = {
      format: 'healthchain.partial-transaction',
      version: 1,
      purpose: 'anything',
      unsigned,
      signatures: {},
      officerSlots: slots.map((slot) =>
        toBase64(
          sealTo(
            slot.boxKey,
            new TextEncoder().encode(
              JSON.stringify({
                format: 'hc.quorum-move-slot/1',
                digest,
                purpose,
                tweak: toBase64(slot.tweak),
                coordinator: proof,
              }),
            ),
          ),
        ),
      ),
    };
    await expect(openSlot(forged, officers[1]!)).rejects.toThrow(/not prepared by an officer of the chart's quorum/);
    // The same forgery naming the patient itself as coordinator: its key tweaked is no key of the input.
    const asPatient = { ...proof, signKey: patient.signKey };
    const forged2: PartialTransaction = {
      ...forged,
      officerSlots: [
        toBase64(
          sealTo(
            officers[1]!.boxKey,
            new TextEncoder().encode(
              JSON.stringify({
                format: 'hc.quorum-move-slot/1',
                digest,
                purpose,
                tweak: toBase64(slots[1]!.tweak),
                coordinator: asPatient,
              }),
            ),
          ),
        ),
      ],
    };
    await expect(openSlot(forged2, officers[1]!)).rejects.toThrow(/not prepared by an officer of the chart's quorum/);
  });
});

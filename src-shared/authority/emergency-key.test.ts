// The emergency-key act (docs/EMERGENCY.md): a quorum-signed TRANSFER of the authority's own output; the latest act
// on the chain names the current key, and a chain that leaves the quorum names none (fail closed).
import { describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../crypto/keys';
import { ed25519Output, makeTransfer, signTransaction, type JsonObject, type Transaction } from '../ledger';
import {
  addSignatures,
  assemble,
  makeAuthorityCreate,
  makeEmergencyKeyAct,
  newRecoveryKeyPair,
  splitRecoverySecret,
  startPartial,
  verifyAuthority,
  withAuthorityActs,
  type VerifiedAuthority,
} from './index';

const holder = () => new SeedKeyHolder(newSeed());
const [ann, ben, mallory, service1, service2] = [holder(), holder(), holder(), holder(), holder()];
const officers = [ann, ben].map((h, i) => ({ name: `Officer ${i + 1}`, signKey: h.signKey, boxKey: h.boxKey }));

async function quorumSigned(unsigned: Parameters<typeof startPartial>[0], signers: SeedKeyHolder[]) {
  let partial = startPartial(unsigned, 'act');
  for (const s of signers) partial = await addSignatures(partial, s);
  return assemble(partial);
}

async function authority(): Promise<VerifiedAuthority> {
  const recovery = newRecoveryKeyPair();
  const unsigned = makeAuthorityCreate({
    name: 'St Elsewhere',
    threshold: 2,
    officers,
    recoveryKey: recovery.publicKey,
    recoveryShares: await splitRecoverySecret(recovery.secret, officers, 2),
    at: '2026-01-01T00:00:00Z',
  });
  const tx = await quorumSigned(unsigned, [ann, ben]);
  const checked = verifyAuthority(tx.id, { tx, height: 1 });
  if (!checked.ok) throw new Error(checked.reason);
  return checked.value;
}

const keyOf = (h: SeedKeyHolder) => ({ signKey: h.signKey, boxKey: h.boxKey });

describe('emergency-key act', () => {
  it('none published: no key, the CREATE is the latest; each act replaces the key, in chain order', async () => {
    const a = await authority();
    expect(withAuthorityActs(a, [{ tx: a.tx, height: 1 }])).toMatchObject({ emergencyKey: null, latest: a.tx });
    const first = await quorumSigned(makeEmergencyKeyAct(a.data, a.tx, keyOf(service1), '2026-02-01T00:00:00Z'), [
      ann,
      ben,
    ]);
    const second = await quorumSigned(makeEmergencyKeyAct(a.data, first, keyOf(service2), '2026-03-01T00:00:00Z'), [
      ann,
      ben,
    ]);
    // Any order, as a node lists them.
    const read = withAuthorityActs(a, [
      { tx: second, height: 3 },
      { tx: a.tx, height: 1 },
      { tx: first, height: 2 },
    ]);
    expect(read.emergencyKey).toEqual({ ...keyOf(service2), txId: second.id, height: 3, at: '2026-03-01T00:00:00Z' });
    expect(read.latest?.id).toBe(second.id);
    expect(read.actsProblem).toBeNull();
  });

  it('an act signed by fewer officers than the quorum, or by another key, is not on the chain', async () => {
    const a = await authority();
    const one = startPartial(makeEmergencyKeyAct(a.data, a.tx, keyOf(mallory), '2026-02-01T00:00:00Z'), 'x');
    await expect(assemble(await addSignatures(one, ann))).rejects.toThrow();
    const forged = await signTransaction(
      makeEmergencyKeyAct(a.data, a.tx, keyOf(mallory), '2026-02-01T00:00:00Z'),
      (_key, message) => mallory.sign(message),
      { checkSignatures: false },
    );
    expect(withAuthorityActs(a, [{ tx: forged, height: 2 }]).emergencyKey).toBeNull();
  });

  it('a quorum spend that moves the output away, or an act it does not understand, leaves no emergency key', async () => {
    const a = await authority();
    const first = await quorumSigned(makeEmergencyKeyAct(a.data, a.tx, keyOf(service1), '2026-02-01T00:00:00Z'), [
      ann,
      ben,
    ]);
    const away = await quorumSigned(
      makeTransfer([{ tx: first, outputIndex: 0 }], [ed25519Output(mallory.signKey)], {
        type: 'hc.authority.emergency-key/1',
        at: '2026-03-01T00:00:00Z',
        emergencyKey: keyOf(mallory),
      } as JsonObject),
      [ann, ben],
    );
    const read = withAuthorityActs(a, [
      { tx: first, height: 2 },
      { tx: away, height: 3 },
    ]);
    expect(read.emergencyKey).toBeNull();
    expect(read.actsProblem).toMatch(/away from its quorum/);
    const odd = await quorumSigned(
      makeTransfer(
        [{ tx: a.tx, outputIndex: 0 }],
        first.outputs.map((o) => o) as Transaction['outputs'],
        {
          type: 'hc.authority.something-else/1',
        } as JsonObject,
      ),
      [ann, ben],
    );
    expect(withAuthorityActs(a, [{ tx: odd, height: 2 }])).toMatchObject({
      emergencyKey: null,
      actsProblem: expect.stringMatching(/does not understand/),
    });
  });

  it('refuses a malformed key with the field named', async () => {
    const a = await authority();
    expect(() =>
      makeEmergencyKeyAct(a.data, a.tx, { signKey: 'nope', boxKey: service1.boxKey }, '2026-02-01T00:00:00Z'),
    ).toThrow(/emergencyKey.signKey/);
  });
});

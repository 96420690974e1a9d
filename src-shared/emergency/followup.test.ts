// Follow-ups of an emergency access: signed by an officer of the authority, the comment sealed to the officers; one
// signed by anyone else, or naming another authority, does not verify.
import { describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../crypto/keys';
import { ed25519Output, makeCreate, signTransaction, type JsonObject } from '../ledger';
import { buildFollowUp, openFollowUpComment, verifyFollowUp } from './index';

const holder = () => new SeedKeyHolder(newSeed());
const [ann, ben, mallory] = [holder(), holder(), holder()];
const AUTHORITY = 'b'.repeat(64);
const REQUEST = 'c'.repeat(64);
const officers = [ann.signKey, ben.signKey];
const input = {
  authority: AUTHORITY,
  request: REQUEST,
  state: 'justified' as const,
  comment: 'Patient unconscious on arrival; access appropriate',
  officers: [ann.boxKey, ben.boxKey],
};

describe('emergency follow-up', () => {
  it('is signed by an officer; its comment opens for the officers only and is not in clear', async () => {
    const tx = await buildFollowUp(input, ann);
    expect(JSON.stringify(tx)).not.toContain('unconscious');
    const checked = verifyFollowUp(tx, AUTHORITY, officers);
    expect(checked).toMatchObject({
      ok: true,
      value: { by: ann.signKey, data: { state: 'justified', request: REQUEST } },
    });
    if (!checked.ok) return;
    expect(await openFollowUpComment(checked.value.data, ben)).toBe(input.comment);
    await expect(openFollowUpComment(checked.value.data, mallory)).rejects.toThrow(/not sealed to this key/);
  });

  it('one signed by a key that is no officer, or naming another authority, does not verify', async () => {
    const byMallory = await buildFollowUp(input, mallory);
    expect(verifyFollowUp(byMallory, AUTHORITY, officers)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not signed by an officer/),
    });
    expect(verifyFollowUp(await buildFollowUp(input, ann), 'd'.repeat(64), officers)).toMatchObject({ ok: false });
    // Mallory names the officer as issuer but signs with her own key: the signature does not verify.
    const data = (byMallory.asset as { data: JsonObject }).data;
    const forged = await signTransaction(
      makeCreate(data, null, [ed25519Output(ann.signKey)], [ann.signKey]),
      (_key, message) => mallory.sign(message),
      { checkSignatures: false },
    );
    expect(verifyFollowUp(forged, AUTHORITY, officers).ok).toBe(false);
  });

  it('refuses an unknown state with the field named', async () => {
    await expect(buildFollowUp({ ...input, state: 'ignored' as never }, ann)).rejects.toThrow(/state/);
  });
});

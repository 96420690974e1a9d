// A v1 CREATE sealed with public keys before the unlock is signed only by the holder of those keys.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openEnvelope } from '../../src-shared/crypto/envelope';
import { decodePayload, payloadOf } from '../../src-shared/records/payload';
import { checkTransactionStructure } from '../../src-shared/ledger';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { sealCreate, signCreate } from './version-builder';

const holder = () => new SeedKeyHolder(Uint8Array.from(randomBytes(32)), nativeKeyHolderCrypto);

describe('sealCreate / signCreate', () => {
  it('seals with the public keys alone; the holder of those keys signs it, and reads it', async () => {
    const ada = holder();
    const payload = payloadOf(
      sampleChart('Sealed Ahead'),
      null,
      { signKey: ada.signKey, boxKey: ada.boxKey, name: 'Ada' },
      [],
    );
    const sealed = sealCreate({ signKey: ada.signKey, boxKey: ada.boxKey }, payload);
    expect(typeof sealed.unsigned.inputs[0]!.fulfillment).not.toBe('string'); // condition details: no signature yet
    const { tx, envelope } = await signCreate(ada, sealed, nativeLedgerCrypto);
    expect(envelope).toBe(sealed.envelope);
    expect(tx.metadata).toBe(sealed.envelope);
    expect(tx.inputs[0]!.owners_before).toEqual([ada.signKey]);
    // Its id and shape (the node checks the signature: test/integration/charts/prepared-import.test.ts).
    expect(checkTransactionStructure(tx, nativeLedgerCrypto).ok).toBe(true);
    expect(decodePayload(await openEnvelope(envelope, ada)).chart.patient.name).toBe('Sealed Ahead');
  });

  it('refuses to sign a CREATE sealed for another sign key or another box key', async () => {
    const ada = holder();
    const ben = holder();
    const payload = payloadOf(sampleChart(), null, { signKey: ben.signKey, boxKey: ben.boxKey, name: 'Ben' }, []);
    for (const keys of [
      { signKey: ben.signKey, boxKey: ben.boxKey },
      { signKey: ada.signKey, boxKey: ben.boxKey },
      { signKey: ben.signKey, boxKey: ada.boxKey },
    ]) {
      await expect(signCreate(ada, sealCreate(keys, payload), nativeLedgerCrypto)).rejects.toThrow(
        'sealed for another identity',
      );
    }
  });
});

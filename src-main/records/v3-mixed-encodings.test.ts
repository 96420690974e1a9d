// A chart begun before the base32 change and continued after it (docs/UNLINKABLE.md §2): version 1 in base64 as the
// earlier writer wrote it, version 2 in base32 by today's writer. Both open, one thread or split over a worker, and a
// reader finds version 2's slot by its tag as in any chart.
import { afterAll, describe, expect, it } from 'vitest';
import { newSeed } from '../../src-shared/crypto/keys';
import { toBase64 } from '../../src-shared/crypto/bytes';
import { ed25519Details, signTransaction, type JsonObject, type UnsignedTransaction } from '../../src-shared/ledger';
import { payloadOf } from '../../src-shared/records/payload';
import { parseV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import { decodeV3Field, v3Encoding } from '../../src-shared/unlinkable/v3-fields';
import { bothWays } from '../../test/fixtures/open-v3-both-ways';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { V3Counters } from './v3-counters';
import { ownerKey, ownerTweakFor } from './v3-outputs';
import { buildCreateV3, buildVersionV3, type V3Written } from './version-builder-v3';

const crypto = nativeLedgerCrypto;
const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);

describe('a chart whose versions mix the two encodings', () => {
  const ada = holder();
  const ben = holder();
  const named = (h: SeedKeyHolder, name: string) => ({ signKey: h.signKey, boxKey: h.boxKey, name });
  const payload = payloadOf(sampleChart(), null, named(ada, 'Dr Ada'), [named(ben, 'Dr Ben')]);
  const opener = bothWays();
  afterAll(() => opener.close());

  /** The CREATE as the writer before the change wrote it: the same sealed bytes in base64, signed again by Ada. */
  async function inBase64(created: V3Written) {
    const metadata = parseV3Metadata(created.tx.metadata);
    const bytes = (field: 'slots' | 'nonce' | 'box') => decodeV3Field(metadata[field], 'base32');
    const old = {
      ...metadata,
      slots: toBase64(bytes('slots')),
      nonce: toBase64(bytes('nonce')),
      box: toBase64(bytes('box')),
    };
    const issuer = ownerKey(ada.signKey, created.head.secret, 0);
    const unsigned: UnsignedTransaction = {
      ...created.tx,
      id: null,
      metadata: old as unknown as JsonObject,
      inputs: created.tx.inputs.map((input) => ({ ...input, fulfillment: ed25519Details(issuer) })),
    };
    const tweak = ownerTweakFor(ada.signKey, created.head.secret, 0);
    const tx = await signTransaction(unsigned, async (_key, message) => ada.signTweaked(tweak, message), { crypto });
    return { ...created, tx, head: { ...created.head, tx } };
  }

  it('opens version 1 in base64 and version 2 in base32, for the writer and for a shared reader', async () => {
    const counters = new V3Counters();
    const created = await inBase64(await buildCreateV3(ada, payload, { crypto, counters }));
    const next = await buildVersionV3(ada, created.head, created.tx.id, 'update', payload, { crypto, counters });
    expect(v3Encoding(parseV3Metadata(created.tx.metadata))).toBe('base64');
    expect(v3Encoding(parseV3Metadata(next.tx.metadata))).toBe('base32');

    for (const reader of [ada, ben]) {
      const chain = await opener.open(created.tx.id, [created.tx, next.tx], reader, { crypto });
      expect(chain.tampered).toBeNull();
      expect(chain.versions.map((v) => v.inner.seq)).toEqual([1, 2]);
      expect(chain.versions.map((v) => v.tx.id)).toEqual([created.tx.id, next.tx.id]);
    }
  });

  it('refuses a version whose fields mix the encodings, as any malformed version', async () => {
    const counters = new V3Counters();
    const created = await buildCreateV3(ada, payload, { crypto, counters });
    const metadata = parseV3Metadata(created.tx.metadata);
    const mixed = { ...metadata, box: toBase64(decodeV3Field(metadata.box, 'base32')) };
    const issuer = ownerKey(ada.signKey, created.head.secret, 0);
    const tweak = ownerTweakFor(ada.signKey, created.head.secret, 0);
    const tx = await signTransaction(
      {
        ...created.tx,
        id: null,
        metadata: mixed as unknown as JsonObject,
        inputs: created.tx.inputs.map((input) => ({ ...input, fulfillment: ed25519Details(issuer) })),
      },
      async (_key, message) => ada.signTweaked(tweak, message),
      { crypto },
    );
    const chain = await opener.open(tx.id, [tx], ada, { crypto });
    expect(chain.versions).toHaveLength(0);
    expect(chain.tampered?.reason).toMatch(/malformed at box: Not lower-case unpadded base32/);
  });
});

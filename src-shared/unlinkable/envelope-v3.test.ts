import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { randomBytes, toBase58 } from '../crypto/bytes';
import { EnvelopeError } from '../crypto/envelope';
import { openSealedWithSecret, sealTo } from '../crypto/sealed-box';
import { metadataLayout } from './layout';
import { openV3, parseV3Metadata, sealV3, v3Slots } from './envelope-v3';
import { sealKeyedSlot } from './keyed-slot';
import { isCurvePoint } from '../../test/fixtures/curve-point';
import { TAG_PATTERN } from './rendezvous';
import { fromBase32, toBase32 } from './v3-fields';
import OLD from './fixtures/v3-version-base64.json';
import NEW from './fixtures/v3-version-base32.json';

const reader = () => {
  const pair = nacl.box.keyPair();
  return {
    boxKey: toBase58(pair.publicKey),
    openSealed: async (s: Uint8Array) => openSealedWithSecret(pair.secretKey, s),
  };
};
const tag8 = () => randomBytes(8);
const hexTag = () => Array.from(randomBytes(16), (b) => b.toString(16).padStart(2, '0')).join('');

describe('envelope v3 metadata', () => {
  it('every reader opens its slot by its tag; the metadata has the fixed layout of its buckets', async () => {
    const readers = [reader(), reader(), reader()];
    const tags = readers.map(() => tag8());
    const inner = new TextEncoder().encode('inner envelope');
    const metadata = sealV3(
      inner,
      readers.map((r, i) => ({ boxKey: r.boxKey, slotTag: tags[i]! })),
      [hexTag()],
    );
    expect(parseV3Metadata(metadata)).toEqual(metadata);
    expect(JSON.stringify(metadata).length).toBe(metadataLayout(4096, 8).json);
    expect(metadata.tags).toHaveLength(8);
    for (const tag of metadata.tags) expect(tag).toMatch(TAG_PATTERN);
    for (const [i, r] of readers.entries())
      expect(new TextDecoder().decode(await openV3(metadata, r, tags[i]!, { onlyTagged: true }))).toBe(
        'inner envelope',
      );
    // Without its tag, a reader still finds its slot by trying them all (recovery key, kiosk).
    expect(new TextDecoder().decode(await openV3(metadata, readers[1]!, null))).toBe('inner envelope');
  });

  it('seals the unused slots through the given keyed wrap (libsodium in the app), each under a different random key', () => {
    const one = reader();
    const [wrapped, keys]: [string[], string[]] = [[], []];
    const wrap = (boxKey: string, dataKey: Uint8Array) => {
      wrapped.push(boxKey);
      return sealTo(boxKey, dataKey);
    };
    const wrapKeyed = (key: Uint8Array, dataKey: Uint8Array) => {
      keys.push(Buffer.from(key).toString('hex'));
      return sealKeyedSlot(key, dataKey);
    };
    const metadata = sealV3(new Uint8Array(10), [{ boxKey: one.boxKey, slotTag: tag8() }], [], wrap, wrapKeyed);
    expect(v3Slots(metadata)).toHaveLength(8);
    expect(wrapped).toEqual([one.boxKey]);
    expect(new Set(keys).size).toBe(7);
    // Every slot's front is an X25519 public key, the reader's sealed box's and the fillers' alike.
    for (const slot of v3Slots(metadata)) expect(isCurvePoint(slot.subarray(8, 40))).toBe(true);
  });

  it('refuses a key with no slot, and a box altered on the ledger', async () => {
    const a = reader();
    const metadata = sealV3(Uint8Array.of(1, 2, 3), [{ boxKey: a.boxKey, slotTag: tag8() }], []);
    await expect(openV3(metadata, reader(), null)).rejects.toMatchObject({ problem: 'not-a-reader' });
    const box = fromBase32(metadata.box);
    box[100]! ^= 1;
    await expect(openV3({ ...metadata, box: toBase32(box) }, a, null)).rejects.toMatchObject({ problem: 'box' });
  });

  it('two versions of different readers, tags and content sizes in one bucket have one length; slots are sorted', () => {
    const one = sealV3(new Uint8Array(10), [{ boxKey: reader().boxKey, slotTag: tag8() }], []);
    const five = sealV3(
      new Uint8Array(4000),
      Array.from({ length: 5 }, () => ({ boxKey: reader().boxKey, slotTag: tag8() })),
      [hexTag(), hexTag(), hexTag()],
    );
    expect(JSON.stringify(one).length).toBe(JSON.stringify(five).length);
    const slots = v3Slots(five).map((s) => Buffer.from(s).toString('hex'));
    expect(slots).toEqual([...slots].sort());
    expect([...five.tags].sort()).toEqual(five.tags);
  });

  it('uses 16 slots past 8 readers, refuses past 16, and refuses a reader twice', () => {
    const nine = Array.from({ length: 9 }, () => ({ boxKey: reader().boxKey, slotTag: tag8() }));
    const metadata = sealV3(new Uint8Array(1), nine, []);
    expect(metadata.tags).toHaveLength(16);
    expect(JSON.stringify(metadata).length).toBe(metadataLayout(4096, 16).json);
    const many = Array.from({ length: 17 }, () => ({ boxKey: reader().boxKey, slotTag: tag8() }));
    expect(() => sealV3(new Uint8Array(1), many, [])).toThrow(/at most 16 readers/);
    expect(() => sealV3(new Uint8Array(1), [nine[0]!, nine[0]!], [])).toThrow(/listed twice/);
  });

  it('names the field of a metadata not of v3 shape', () => {
    const metadata = sealV3(new Uint8Array(1), [{ boxKey: reader().boxKey, slotTag: tag8() }], []);
    expect(() => parseV3Metadata({ ...metadata, tags: metadata.tags.slice(1) })).toThrow(/at tags/);
    expect(() => parseV3Metadata({ ...metadata, box: metadata.box.slice(4) })).toThrow(/at box/);
    expect(() => parseV3Metadata({ ...metadata, slots: metadata.slots.slice(4) })).toThrow(/at slots/);
    expect(() => parseV3Metadata({ ...metadata, action: 'share' })).toThrow(EnvelopeError);
  });

  it('writes slots, nonce and box in lower-case base32: one search term each', () => {
    const metadata = sealV3(new Uint8Array(1), [{ boxKey: reader().boxKey, slotTag: tag8() }], []);
    for (const field of [metadata.slots, metadata.nonce, metadata.box]) expect(field).toMatch(/^[a-z2-7]+$/);
    expect(fromBase32(metadata.nonce)).toHaveLength(24);
    expect(fromBase32(metadata.slots)).toHaveLength(8 * 112);
  });

  it('refuses a field in the wrong alphabet, in upper case, of a wrong length, or in the other encoding', () => {
    const metadata = sealV3(new Uint8Array(1), [{ boxKey: reader().boxKey, slotTag: tag8() }], []);
    const old = OLD.metadata;
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ ...metadata, box: metadata.box.toUpperCase() }, /at box: Not lower-case unpadded base32/],
      [{ ...metadata, slots: metadata.slots.slice(0, -1) + 'A' }, /at slots: Not lower-case unpadded base32/],
      [{ ...metadata, nonce: metadata.nonce.slice(0, -1) + '1' }, /at nonce: Not lower-case unpadded base32/],
      [{ ...metadata, box: metadata.box.slice(0, -9) + 'a' }, /at box: is not of a size bucket/],
      [{ ...metadata, slots: metadata.slots + 'aaaaaaaa' }, /at slots: is not 8 slots of 112 bytes/],
      // One version, two encodings: the nonce names the encoding, the other fields must be in it.
      [{ ...metadata, box: old.box }, /at box: Not lower-case unpadded base32/],
      [{ ...metadata, slots: old.slots }, /at slots: Not lower-case unpadded base32/],
      [{ ...old, nonce: metadata.nonce }, /at slots: Not lower-case unpadded base32/],
      [{ ...old, box: metadata.box }, /at box: is not of a size bucket/],
      [{ ...old, slots: metadata.slots }, /at slots: Not padded standard base64/],
      [{ ...old, box: old.box.replace(/=*$/, '') }, /at box: Not padded standard base64/],
    ];
    for (const [value, message] of refused) expect(() => parseV3Metadata(value)).toThrow(message);
  });

  it('parses to a frozen object, whose fields are the bytes it opens', async () => {
    const a = reader();
    const sealed = sealV3(new TextEncoder().encode('x'), [{ boxKey: a.boxKey, slotTag: tag8() }], []);
    const metadata = parseV3Metadata(JSON.parse(JSON.stringify(sealed)));
    expect(Object.isFrozen(metadata)).toBe(true);
    expect(() => {
      (metadata as { box: string }).box = sealed.box;
    }).toThrow(TypeError);
    expect(v3Slots(metadata)).toEqual(v3Slots({ ...metadata }));
    expect(new TextDecoder().decode(await openV3(metadata, a, null))).toBe('x');
  });

  it('still reads a version written in base64 before the change (fixture from the earlier writer)', async () => {
    for (const fixture of [OLD, NEW]) {
      const metadata = parseV3Metadata(fixture.metadata);
      expect(metadata).toEqual(fixture.metadata);
      const secret = Buffer.from(fixture.readerSecret, 'hex');
      const opener = {
        boxKey: toBase58(nacl.box.keyPair.fromSecretKey(secret).publicKey),
        openSealed: async (s: Uint8Array) => openSealedWithSecret(secret, s),
      };
      const tag = Buffer.from(fixture.slotTag, 'hex');
      const inner = await openV3(metadata, opener, tag, { onlyTagged: true });
      expect(new TextDecoder().decode(inner)).toBe(fixture.inner);
      expect(new TextDecoder().decode(await openV3(metadata, opener, null))).toBe(fixture.inner);
      expect(v3Slots(metadata)).toHaveLength(8);
      await expect(openV3(metadata, reader(), null)).rejects.toMatchObject({ problem: 'not-a-reader' });
    }
    expect(OLD.metadata.box).toMatch(/[A-Z+/]/);
    expect(JSON.stringify(OLD.metadata).length).toBe(metadataLayout(4096, 8, 'base64').json);
    expect(JSON.stringify(NEW.metadata).length).toBe(metadataLayout(4096, 8).json);
  });
});

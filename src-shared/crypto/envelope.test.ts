import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { base58, base64 } from '@scure/base';
import { EnvelopeError, openEnvelope, parseEnvelope, sealEnvelope, type EnvelopeReaderKey } from './envelope';
import { openSealedWithSecret } from './sealed-box';

function reader(): EnvelopeReaderKey & { secret: Uint8Array } {
  const pair = nacl.box.keyPair();
  return {
    boxKey: base58.encode(pair.publicKey),
    secret: pair.secretKey,
    openSealed: async (sealed) => openSealedWithSecret(pair.secretKey, sealed),
  };
}

const author = base58.encode(nacl.sign.keyPair().publicKey);
const header = { action: 'update' as const, seq: 3, at: '2026-11-25T04:00:00.000Z', author, chart: 'ab'.repeat(32) };
const text = (s: string) => new TextEncoder().encode(s);

describe('envelope', () => {
  it('every listed reader opens it; the clear part carries no content', async () => {
    const [a, b] = [reader(), reader()];
    const envelope = sealEnvelope(header, text('{"secret":"Amelia"}'), [a.boxKey, b.boxKey, a.boxKey]);
    expect(envelope.readers.map((r) => r.key)).toEqual([a.boxKey, b.boxKey]);
    expect(JSON.stringify(envelope)).not.toContain('Amelia');
    expect(envelope).toMatchObject({
      type: 'hc.chart.version/1',
      action: 'update',
      seq: 3,
      author,
      chart: header.chart,
    });
    for (const r of [a, b])
      expect(new TextDecoder().decode(await openEnvelope(envelope, r))).toBe('{"secret":"Amelia"}');
  });

  it('uses a fresh data key and nonce each time', () => {
    const a = reader();
    const one = sealEnvelope(header, text('same'), [a.boxKey]);
    const two = sealEnvelope(header, text('same'), [a.boxKey]);
    expect(one.box).not.toBe(two.box);
    expect(one.nonce).not.toBe(two.nonce);
  });

  it('someone not listed gets not-a-reader', async () => {
    const envelope = sealEnvelope(header, text('x'), [reader().boxKey]);
    await expect(openEnvelope(envelope, reader())).rejects.toMatchObject({ problem: 'not-a-reader' });
  });

  it('a reader entry pointing at another key does not open (wrap)', async () => {
    const [a, b] = [reader(), reader()];
    const envelope = sealEnvelope(header, text('x'), [a.boxKey]);
    const forged = { ...envelope, readers: [{ key: b.boxKey, wrap: envelope.readers[0]!.wrap }] };
    await expect(openEnvelope(forged, b)).rejects.toMatchObject({ problem: 'wrap' });
  });

  it('one altered byte of the box is detected (box)', async () => {
    const a = reader();
    const envelope = sealEnvelope(header, text('hello'), [a.boxKey]);
    const bytes = base64.decode(envelope.box);
    bytes[bytes.length - 1]! ^= 1;
    await expect(openEnvelope({ ...envelope, box: base64.encode(bytes) }, a)).rejects.toMatchObject({ problem: 'box' });
  });

  it('parseEnvelope names the bad field', () => {
    const envelope = sealEnvelope(header, text('x'), [reader().boxKey]);
    expect(parseEnvelope(JSON.parse(JSON.stringify(envelope)))).toEqual(envelope);
    expect(() => parseEnvelope({ ...envelope, seq: 0 })).toThrow(/malformed at seq/);
    expect(() => parseEnvelope({ ...envelope, action: 'delete' })).toThrow(EnvelopeError);
    expect(() => parseEnvelope({ ...envelope, extra: 1 })).toThrow(/malformed/);
    expect(() => parseEnvelope({ ...envelope, readers: [envelope.readers[0], envelope.readers[0]] })).toThrow(
      /listed twice/,
    );
  });

  it('refuses to seal for nobody', () => {
    expect(() => sealEnvelope(header, text('x'), [])).toThrow(/at least one reader/);
  });
});

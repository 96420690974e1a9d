import { describe, expect, it } from 'vitest';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { randomBytes } from '../crypto/bytes';
import { payloadOf } from '../records/payload';
import { decodeInnerV3, encodeInnerV3, type InnerV3Input } from './inner-envelope';

const key = '8gYcvo3Vnd4nREDE2Mo4RBE9TFXUBmAq9cbuf7xZcrYm';
const input = (): InnerV3Input => ({
  chart: 'ab'.repeat(16),
  seq: 1,
  action: 'create',
  at: '2026-12-04T22:00:00.000Z',
  author: key,
  secret: randomBytes(32),
  previousSecret: null,
  authority: null,
  quorum: null,
  payload: payloadOf(sampleChart(), null, { signKey: key, boxKey: key, name: 'Dr A' }, []),
});

describe('inner envelope hc.chart.inner/3', () => {
  it('round-trips, with the chart secret as bytes', () => {
    const value = input();
    const decoded = decodeInnerV3(encodeInnerV3(value));
    expect(decoded.secretBytes).toEqual(value.secret);
    const next = decodeInnerV3(
      encodeInnerV3({ ...value, seq: 2, previousSecret: value.secret, secret: randomBytes(32) }),
    );
    expect(next.previousSecretBytes).toEqual(value.secret);
    expect(decoded).toMatchObject({ type: 'hc.chart.inner/3', chart: value.chart, seq: 1, action: 'create' });
    expect(decoded.payload.chart).toEqual(value.payload.chart);
  });

  it('refuses a secret of the wrong length, an authority without its quorum, and a box that is no inner envelope', () => {
    expect(() => encodeInnerV3({ ...input(), secret: randomBytes(16) })).toThrow(/secret/);
    expect(() => encodeInnerV3({ ...input(), seq: 2 })).toThrow(/previous secret/);
    expect(() => encodeInnerV3({ ...input(), previousSecret: randomBytes(32) })).toThrow(/previous secret/);
    expect(() => encodeInnerV3({ ...input(), authority: 'cd'.repeat(32) })).toThrow(/authority and its quorum/);
    expect(() => decodeInnerV3(new TextEncoder().encode('{"type":"hc.chart.inner/3"}'))).toThrow(
      /not a valid inner envelope/,
    );
    expect(() => decodeInnerV3(Uint8Array.of(0xff))).toThrow(/not JSON/);
  });

  it('refuses a quorum whose threshold exceeds its officers', () => {
    expect(() =>
      encodeInnerV3({ ...input(), authority: 'cd'.repeat(32), quorum: { threshold: 2, officers: [key] } }),
    ).toThrow(/quorum/);
  });
});

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { base58 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, CheckpointFormatError, type ListCheckpoint } from './list-checkpoint';

const hex = () => randomBytes(32).toString('hex');
const key = 'Cs1xaDVmwBkzvJwGjkPNMfHSo87LbJGPjbMTBpgJgpcB';

function sample(charts: number): ListCheckpoint {
  return {
    writtenAt: '2026-12-05T22:30:00.000Z',
    authorityId: hex(),
    discovery: { listNext: charts, listGaps: [3], pairs: new Map([[key, { next: 2, gaps: [0] }]]) },
    entries: Array.from({ length: charts }, (_, i) => ({
      chartId: hex(),
      seq: 1 + (i % 3),
      headTxId: hex(),
      outputKey: base58.encode(randomBytes(32)),
      line: {
        patientName: `Patient ${i}`,
        status: i % 7 === 0 ? ('revoked' as const) : ('active' as const),
        updatedAt: '2026-12-05T21:00:00.000Z',
        custodian: { signKey: key, label: 'Dr Ada Okafor' },
      },
    })),
    recheck: [hex()],
  };
}

const json = (value: unknown) => new Uint8Array(deflateRawSync(JSON.stringify(value)));

describe('the list checkpoint payload', () => {
  it('round-trips every field, the discovery state included', () => {
    const checkpoint = sample(50);
    expect(decodeCheckpoint(encodeCheckpoint(checkpoint))).toEqual(checkpoint);
  });

  it('keeps 10,000 charts within a few of the largest boxes (256 KiB each)', () => {
    // Every chart's ids and output key are random (incompressible, ~96 bytes a chart); names and times compress.
    const bytes = encodeCheckpoint(sample(10_000)).length;
    expect(bytes).toBeLessThan(8 * 256 * 1024);
  });

  it('refuses what is not a checkpoint of this format, saying where', () => {
    const good = JSON.parse(inflateRawSync(encodeCheckpoint(sample(2))).toString('utf8'));
    expect(() => decodeCheckpoint(new Uint8Array([1, 2, 3]))).toThrow(/does not inflate/);
    expect(() => decodeCheckpoint(new Uint8Array(deflateRawSync('not json')))).toThrow(/not JSON/);
    expect(() => decodeCheckpoint(json({ ...good, v: 2 }))).toThrow(CheckpointFormatError);
    const badSeq = structuredClone(good);
    badSeq.entries[1][1] = 0;
    expect(() => decodeCheckpoint(json(badSeq))).toThrow(/malformed at entries\.1\.1/);
    const badId = structuredClone(good);
    badId.entries[0][0] = 'not-a-transaction-id';
    expect(() => decodeCheckpoint(json(badId))).toThrow(/malformed at entries\.0\.0/);
    expect(() => decodeCheckpoint(json({ ...good, extra: true }))).toThrow(/malformed/);
    const badDiscovery = structuredClone(good);
    badDiscovery.discovery.pairs[0][0] = 'short';
    expect(() => decodeCheckpoint(json(badDiscovery))).toThrow(/malformed at discovery/);
    expect(() => decodeCheckpoint(json({ ...good, discovery: { listNext: 1 } }))).toThrow(/malformed at discovery/);
    const badStatus = structuredClone(good);
    badStatus.entries[0][5] = 'deleted';
    expect(() => decodeCheckpoint(json(badStatus))).toThrow(/malformed at entries\.0\.5/);
  });
});

import { describe, expect, it } from 'vitest';
import { payloadOf, type ChartPayload } from '../../src-shared/records/payload';
import type { ChartAction } from '../../src-shared/records/actions';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { chartStateV3 } from './chart-state-v3';
import type { V3Chain } from './version-opener-v3';

const key = (c: string) => c.repeat(44);
const ada = { signKey: key('A'), boxKey: key('B'), name: 'Dr Ada' };
const ben = { signKey: key('C'), boxKey: key('D'), name: 'Dr Ben' };
const patient = { signKey: key('E'), boxKey: key('F') };
const txId = (seq: number) => String(seq).padStart(64, '0');
const nameOf = (signKey: string) => ({ [ada.signKey]: 'Ada Okafor', [ben.signKey]: 'Ben Adeyemi' })[signKey] ?? null;

/** A chain as version-opener-v3.ts answers it, with only what chartStateV3 reads filled in. */
function chainOf(
  versions: [number, ChartAction, string, ChartPayload][],
  openedFrom: number | null = versions[0]?.[0] ?? null,
): V3Chain {
  return {
    assetId: txId(1),
    openedFrom,
    closedAt: null,
    tampered: null,
    versions: versions.map(([seq, action, author, payload]) => ({
      seq,
      txId: txId(seq),
      inner: { action, author, at: `2026-12-0${seq}T10:00:00.000Z`, payload },
    })) as unknown as V3Chain['versions'],
  };
}

const first = payloadOf(sampleChart('Noor Haddad'), patient, ada, []);
const phoned = { ...first, chart: { ...first.chart, patient: { ...first.chart.patient, phone: '+44 1' } } };
const shared = { ...phoned, doctors: [ben] };

describe('chartStateV3', () => {
  it('shows the head’s chart, its readers by role and every opened version with its diff', () => {
    const chain = chainOf([
      [1, 'create', ada.signKey, first],
      [2, 'update', ada.signKey, phoned],
      [3, 'share', ada.signKey, shared],
    ]);
    const state = chartStateV3(chain, 'http://127.0.0.1:9984', patient, nameOf);
    expect(state).toMatchObject({
      chartId: txId(1),
      chart: shared.chart,
      revoked: false,
      tampered: null,
      authorship: null,
      pending: false,
      isCustodian: false,
      patient,
      custodian: { signKey: ada.signKey, name: 'Ada Okafor' },
    });
    expect(state.readers.map((r) => [r.role, r.name])).toEqual([
      ['custodian', 'Ada Okafor'],
      ['patient', 'Noor Haddad'],
      ['doctor', 'Ben Adeyemi'],
    ]);
    expect(state.head).toMatchObject({ seq: 3, txId: txId(3), action: 'share', status: 'committed', opened: true });
    expect(state.head.link).toBe(`http://127.0.0.1:9984/api/v1/transactions/${txId(3)}`);
    expect(state.versions[1]!.diff).toEqual([expect.objectContaining({ after: '+44 1' })]);
    expect(state.versions.every((v) => v.readable && v.readers.includes(patient.boxKey))).toBe(true);
  });

  it('a card opened from a later version has no diff for its first, and a revoke reads as revoked', () => {
    const state = chartStateV3(
      chainOf(
        [
          [4, 'share', ada.signKey, shared],
          [5, 'revoke', ada.signKey, { ...shared, note: 'duplicate' }],
        ],
        4,
      ),
      'http://n',
      patient,
      nameOf,
    );
    expect(state.versions.map((v) => [v.seq, v.opened, v.diff.length])).toEqual([
      [4, false, 0],
      [5, true, 0],
    ]);
    expect(state).toMatchObject({ revoked: true, head: { note: 'duplicate' } });
  });

  it('a version of unknown author (#12) is marked, its data never shown, the chart withheld', () => {
    const chain = chainOf([
      [1, 'create', ada.signKey, first],
      [2, 'update', ben.signKey, phoned],
    ]);
    const reason = `Unknown author: version 2 was signed by ${ben.signKey}`;
    const state = chartStateV3(chain, 'http://n', patient, nameOf, {
      reasons: [null, reason],
      failure: { seq: 2, txId: txId(2), reason },
    });
    expect(state).toMatchObject({ chart: null, patient: null, authorship: { seq: 2, reason } });
    expect(state.versions.map((v) => [v.status, v.reason, v.opened, v.diff.length])).toEqual([
      ['committed', null, true, expect.any(Number)],
      ['unknown-author', reason, false, 0],
    ]);
  });

  it('refuses a tampered chain or one the viewer opened no version of', () => {
    const tampered = { ...chainOf([[1, 'create', ada.signKey, first]]), tampered: { seq: 1, txId: null, reason: 'x' } };
    expect(() => chartStateV3(tampered, 'http://n', patient, nameOf)).toThrow(TypeError);
    expect(() => chartStateV3(chainOf([]), 'http://n', patient, nameOf)).toThrow(TypeError);
  });
});

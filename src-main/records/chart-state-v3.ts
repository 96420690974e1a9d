// An envelope v3 chart, as version-opener-v3.ts opened and verified it, in the service's own state (model.ts), so it
// is shown exactly as a v1 chart is (contract-views.ts). Only the versions the viewer opened appear: a v3 version
// the viewer has no slot in says nothing about itself (not even its action), unlike a v1 envelope's clear fields.
// The caller has refused a tampered chain and run the #12 credential check (`authorship`, one reason per opened
// version, as ChartAuthorship.check answers for version-opener-v3.ts's authoredVersions).
import type { ChartPayload } from '../../src-shared/records/payload';
import { diffCharts } from '../../src-shared/records/diff';
import { transactionLink } from '../ledger/node-url';
import type { Authorship } from './chart-authorship';
import { isRevoked, readerInfos, type NameOf } from './chart-views';
import type { ChartState, PersonRef, VersionInfo } from './model';
import { readersOf } from './version-builder';
import type { V3Chain } from './version-opener-v3';

const person = (signKey: string, nameOf: NameOf): PersonRef => ({ signKey, name: nameOf(signKey) });

/** The author's box key, when the payload names the author (custodian or shared doctor): it holds a slot too. */
function authorBoxKey(payload: ChartPayload, author: string): string | null {
  if (payload.custodian.signKey === author) return payload.custodian.boxKey;
  return payload.doctors.find((d) => d.signKey === author)?.boxKey ?? null;
}

export function chartStateV3(
  chain: V3Chain,
  nodeUrl: string,
  viewer: { signKey: string },
  nameOf: NameOf,
  authorship: Pick<Authorship, 'reasons' | 'failure'> | null = null,
): ChartState {
  const head = chain.versions.at(-1);
  if (!head || chain.tampered) throw new TypeError('Only a verified chain with an opened version makes a chart state');
  let previous: ChartPayload | null = null;
  const failure = authorship?.failure ?? null;
  const versions = chain.versions.map((v, i): VersionInfo => {
    const { payload } = v.inner;
    const unvouched = authorship?.reasons[i] ?? null;
    // A diff needs the version before it opened: the first version this viewer opens has none to compare with.
    // A version of unknown author is never shown as data, as in a v1 chart (chart-views.ts).
    const opened = !unvouched && (previous !== null || v.seq === 1);
    const info: VersionInfo = {
      seq: v.seq,
      action: v.inner.action,
      author: person(v.inner.author, nameOf),
      custodian: person(payload.custodian.signKey, nameOf),
      at: v.inner.at,
      txId: v.txId,
      link: transactionLink(nodeUrl, v.txId),
      diff: opened ? diffCharts(previous?.chart ?? null, payload.chart) : [],
      status: unvouched ? 'unknown-author' : 'committed',
      reason: unvouched,
      readers: readersOf(payload, authorBoxKey(payload, v.inner.author)),
      readable: true,
      opened,
      note: unvouched ? null : (payload.note ?? null),
    };
    previous = unvouched ? null : payload;
    return info;
  });
  const headInfo = versions.at(-1)!;
  const payload = head.inner.payload;
  return {
    chartId: chain.assetId,
    chart: failure ? null : payload.chart,
    revoked: isRevoked(versions.map((v) => v.action)),
    custodian: headInfo.custodian,
    patient: failure ? null : (payload.patient ?? null),
    readers: readerInfos(payload, head.inner.author, headInfo.readers, nameOf),
    head: headInfo,
    versions,
    tampered: null,
    authorship: failure,
    pending: false,
    isCustodian: payload.custodian.signKey === viewer.signKey,
  };
}

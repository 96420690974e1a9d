// CREATEs of imported charts sealed before the identity that signs them is unlocked (a bulk import seals its first
// charts while scrypt derives the key: cli/import-lookahead.ts). Only the v1/v2 envelope: its CREATE needs the
// identity's secret for the signature alone. A prepared CREATE is used only for the very chart it was sealed from,
// under the same custody rule and custodian label the write computes now, and by the holder whose public keys it was
// sealed with (signCreate refuses any other): otherwise the write seals anew, as without one.
import { canonicalJson } from '../../src-shared/ledger';
import type { CustodyPolicy } from '../../src-shared/authority/custody';
import type { Chart } from '../../src-shared/records/chart';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { ChartPayload } from '../../src-shared/records/payload';
import type { SealedCreate } from './version-builder';

export interface PreparedCreate {
  chart: Chart;
  payload: ChartPayload;
  custody: CustodyPolicy | null;
  sealed: SealedCreate;
}

/** Seals the CREATE of one converted chart with the public keys it was made for (no secret key). */
export type CreateSealer = (chart: Chart) => PreparedCreate;

/** True when `prepared` is exactly what the write would seal now for `chart` by `holder`. */
export function preparedFits(
  prepared: PreparedCreate,
  holder: KeyHolder,
  chart: Chart,
  payload: ChartPayload,
  custody: CustodyPolicy | null,
): boolean {
  const { author } = prepared.sealed;
  const was = prepared.payload.custodian;
  return (
    prepared.chart === chart &&
    author.signKey === holder.signKey &&
    author.boxKey === holder.boxKey &&
    was.signKey === payload.custodian.signKey &&
    was.boxKey === payload.custodian.boxKey &&
    was.name === payload.custodian.name &&
    (prepared.custody === custody ||
      (prepared.custody !== null && custody !== null && canonicalJson(prepared.custody) === canonicalJson(custody)))
  );
}

// The service's v3 chart cache (verified-charts-v3.ts) on real v3 chains built in memory and opened by the real
// openChartV3, counted: the same transactions open once; a new version, a revoke and an altered byte each open in
// full; a tampered chain is never kept; charts with no running grant are dropped.
import { describe, expect, it } from 'vitest';
import { newSeed } from '../../src-shared/crypto/keys';
import { payloadOf } from '../../src-shared/records/payload';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { V3Counters } from '../records/v3-counters';
import { buildCreateV3, buildVersionV3 } from '../records/version-builder-v3';
import { openChartV3 } from '../records/version-opener-v3';
import { VerifiedV3Charts } from './verified-charts-v3';

const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
const crypto = nativeLedgerCrypto;

async function setUp() {
  const custodian = holder();
  const reader = holder(); // the emergency key: one of the chart's readers
  const counters = new V3Counters();
  const payload = payloadOf(
    sampleChart('Iris Vale'),
    null,
    { signKey: custodian.signKey, boxKey: custodian.boxKey, name: 'Dr Cora' },
    [{ signKey: reader.signKey, boxKey: reader.boxKey, name: 'Emergency' }],
  );
  const created = await buildCreateV3(custodian, payload, { crypto, counters });
  const second = await buildVersionV3(custodian, created.head, created.tx.id, 'update', payload, {
    crypto,
    counters,
  });
  let opens = 0;
  const charts = new VerifiedV3Charts((chartId, raw) => {
    opens++;
    return openChartV3(chartId, raw, reader, { crypto });
  });
  const next = (action: 'update' | 'revoke') =>
    buildVersionV3(custodian, second.head, created.tx.id, action, payload, { crypto, counters });
  return { chartId: created.tx.id, raw: [created.tx, second.tx], charts, opens: () => opens, next };
}

describe('VerifiedV3Charts', () => {
  it('opens the same transactions once, and a copy of the same answer hits too', async () => {
    const { chartId, raw, charts, opens } = await setUp();
    const first = await charts.chain(chartId, raw);
    expect(first.tampered).toBeNull();
    expect(first.versions).toHaveLength(2);
    expect(await charts.chain(chartId, raw)).toBe(first);
    expect(await charts.chain(chartId, JSON.parse(JSON.stringify(raw)) as unknown[])).toBe(first);
    expect(opens()).toBe(1);
  });

  it('opens a new version and a revoke in full', async () => {
    const { chartId, raw, charts, opens, next } = await setUp();
    await charts.chain(chartId, raw);
    const third = await next('update');
    const withThird = await charts.chain(chartId, [...raw, third.tx]);
    expect(withThird.versions.map((v) => v.inner.action)).toEqual(['create', 'update', 'update']);
    const revoke = await next('revoke');
    const withRevoke = await charts.chain(chartId, [...raw, revoke.tx]);
    expect(withRevoke.versions.at(-1)!.inner.action).toBe('revoke');
    expect(opens()).toBe(3);
  });

  it('opens an altered answer in full, and never keeps a tampered chain', async () => {
    const { chartId, raw, charts, opens } = await setUp();
    await charts.chain(chartId, raw);
    const altered = JSON.parse(JSON.stringify(raw)) as { metadata: { tags: string[] } }[];
    altered[1]!.metadata.tags[0] = 'f'.repeat(altered[1]!.metadata.tags[0]!.length);
    const tampered = await charts.chain(chartId, altered);
    expect(tampered.tampered).not.toBeNull();
    expect((await charts.chain(chartId, altered)).tampered).not.toBeNull();
    expect(opens()).toBe(3);
    // The tampered answer replaced nothing good: the real bytes open again, verified.
    expect((await charts.chain(chartId, raw)).tampered).toBeNull();
    expect(opens()).toBe(4);
  });

  it('drops the charts no running grant reads', async () => {
    const { chartId, raw, charts, opens } = await setUp();
    await charts.chain(chartId, raw);
    charts.keepOnly(new Set([chartId]));
    expect(charts.size).toBe(1);
    charts.keepOnly(new Set());
    expect(charts.size).toBe(0);
    await charts.chain(chartId, raw);
    expect(opens()).toBe(2);
  });
});

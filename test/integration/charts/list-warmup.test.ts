// The list warm-up (src-main/records/list-warmup.ts), run by warm() before the doctor's first list: it must run the
// real list path (the loader, the verify pool, the unwrap), send the node nothing but GETs of assets the node does not
// hold, and give way to a real list started while it runs, without changing what that list shows.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { inlineValidator, type AnswerValidator } from '../../../src-main/ledger/answer-validation';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { ChartLoader } from '../../../src-main/records/chart-loader';
import { createChartService, type ChartService } from '../../../src-main/records/chart-service';
import { warmUpList } from '../../../src-main/records/list-warmup';
import { buildCreate } from '../../../src-main/records/version-builder';
import { payloadOf } from '../../../src-shared/records/payload';
import { sampleChart } from '../../fixtures/sample-chart';
import { startCountingProxy, type CountingProxy } from './counting-proxy';
import { NODE_TOKEN, removeDir, startNode, tempDir } from './harness';

const CHARTS = 6;

/** The inline validator, counting the transactions it validates. */
function countingValidator(): AnswerValidator & { validated: number } {
  const inline = inlineValidator(nativeLedgerCrypto);
  const counter = {
    validated: 0,
    validate: (answer: Parameters<AnswerValidator['validate']>[0], indices: readonly number[]) => {
      counter.validated += indices.length;
      return inline.validate(answer, indices);
    },
    close: () => inline.close(),
  };
  return counter;
}

describe('the list warm-up', () => {
  let node: LedgerNode;
  let proxy: CountingProxy;
  let client: LedgerNodeClient;
  const doctor = new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);
  const written: string[] = [];

  beforeAll(async () => {
    node = await startNode();
    proxy = await startCountingProxy(node.url);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    const custodian = { signKey: doctor.signKey, boxKey: doctor.boxKey, name: 'Dr Warm' };
    for (let i = 0; i < CHARTS; i++) {
      const payload = payloadOf(sampleChart(`Patient ${i}`), null, custodian, []);
      const { tx } = await buildCreate(doctor, payload, nativeLedgerCrypto);
      await client.post(tx);
      written.push(tx.id);
    }
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    client.close();
    await proxy.close();
    await node.stop();
  });

  it('lists its sample charts through the real loader, validation and unwrap, every one clean', async () => {
    const verifyAndOpen = vi.spyOn(ChartLoader.prototype, 'verifyAndOpen');
    const openSealed = vi.spyOn(SeedKeyHolder.prototype, 'openSealed');
    const validator = countingValidator();
    const report = await warmUpList({
      crypto: nativeLedgerCrypto,
      validator,
      concurrency: 64,
      stop: () => false,
      http: null,
      rounds: 3,
    });
    expect(report).toEqual({ rounds: 3, listed: 192, clean: 192, requests: 0, stopped: false });
    // 64 charts a round, each verified once: 48 of one version and 16 of two.
    expect(verifyAndOpen).toHaveBeenCalledTimes(192);
    expect(validator.validated).toBe(3 * 80);
    // Each listed chart's head unwrapped (a fresh loader a round: nothing reused).
    expect(openSealed.mock.calls.length).toBeGreaterThanOrEqual(192);
  });

  it('sends the node only GETs of transactions of assets it does not hold', async () => {
    proxy.reset();
    const report = await warmUpList({
      crypto: nativeLedgerCrypto,
      validator: countingValidator(),
      concurrency: 64,
      stop: () => false,
      http: { nodeUrls: [proxy.url], bearerTokenFor: () => NODE_TOKEN },
      rounds: 1,
    });
    expect(report.requests).toBe(256);
    expect(proxy.requests).toHaveLength(256);
    const asked = proxy.requests.map((r) => /^GET \/api\/v1\/transactions\?asset_id=([0-9a-f]{64})$/.exec(r)?.[1]);
    expect(asked.every((id) => id !== undefined)).toBe(true);
    expect(asked.some((id) => written.includes(id!))).toBe(false);
    // Nothing was written: the doctor's charts are all the node lists for the doctor.
    const { value: hits } = await client.searchMetadata(doctor.boxKey);
    expect(hits.map((h) => h.id).sort()).toEqual([...written].sort());
  });

  it('gives way to a list started while it runs, and that list shows exactly the doctor’s charts', async () => {
    const outboxDir = tempDir('warm-outbox');
    let service: ChartService | null = null;
    try {
      service = await createChartService({
        nodeUrls: [node.url],
        outboxDir,
        cards: { create: async () => Promise.reject(new Error('no cards here')) },
        liveStream: false,
        verifyWorkers: 1,
        client: { bearerTokenFor: () => NODE_TOKEN },
      });
      const started = service;
      // The real list starts from inside the warm-up, as its first round's last chart is verified.
      const original = ChartLoader.prototype.verifyAndOpen;
      let calls = 0;
      let listing: ReturnType<ChartService['list']> | null = null;
      vi.spyOn(ChartLoader.prototype, 'verifyAndOpen').mockImplementation(function (this: ChartLoader, ...args) {
        if (++calls === 64) listing = started.list(doctor);
        return original.apply(this, args);
      });
      await service.warm();
      expect(listing).not.toBeNull();
      const listed = await listing!;
      const report = service.listWarmUpReport();
      // It stopped before its second round.
      expect(report).toMatchObject({ rounds: 1, listed: 64, clean: 64, stopped: true });
      expect(listed.map((c) => c.chartId).sort()).toEqual([...written].sort());
      for (const chart of listed) {
        expect(chart.integrity).toBe('verified');
        expect(chart.patientName).toMatch(/^Patient [0-5]$/);
      }
    } finally {
      await service?.close();
      removeDir(outboxDir);
    }
  });

  it('is skipped when the service is told so (the kiosk)', async () => {
    const outboxDir = tempDir('warm-outbox');
    const service = await createChartService({
      nodeUrls: [node.url],
      outboxDir,
      cards: { create: async () => Promise.reject(new Error('no cards here')) },
      liveStream: false,
      verifyWorkers: 0,
      listWarmUp: false,
      client: { bearerTokenFor: () => NODE_TOKEN },
    });
    const verifyAndOpen = vi.spyOn(ChartLoader.prototype, 'verifyAndOpen');
    try {
      await service.warm();
      expect(service.listWarmUpReport()).toBeNull();
      expect(verifyAndOpen).not.toHaveBeenCalled();
    } finally {
      await service.close();
      removeDir(outboxDir);
    }
  });
});

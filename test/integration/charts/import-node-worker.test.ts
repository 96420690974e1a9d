// A bulk import against the node in a worker thread (as the CLI's `import` runs it), whose thread ends mid-stream:
// every bundle handed to importFhir is either committed or kept in the outbox (none throws, none is lost); the crash
// is reported, the folder freed; a node started again on the folder gets the outbox, and every chart is then listed.
import { afterAll, describe, expect, it } from 'vitest';
import { chartToFhir } from '../../../src-shared/records/fhir';
import { startLedgerNodeInWorker, type WorkerLedgerNode } from '../../../src-main/ledger-node/worker-node';
import { lockHolder } from '../../../src-main/ledger-node/store/folder-lock';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, TestVault, eventually, removeDir, startService, tempDir } from './harness';

const COUNT = 60;

describe('import against the node in a worker thread', { timeout: 120_000 }, () => {
  const vault = new TestVault();
  const dataDir = tempDir('node.worker');
  const outboxDir = tempDir('outbox.worker');
  afterAll(async () => {
    await vault.clean();
    removeDir(dataDir);
    removeDir(outboxDir);
  });

  it('a crash of the node thread mid-import loses nothing: the rest waits in the outbox for the next node', async () => {
    const doctor = await vault.doctor('Dr Wren Abara', 'General practice');
    const start = () => startLedgerNodeInWorker({ dataDir, token: NODE_TOKEN, program: 'the import test' });
    let node: WorkerLedgerNode = await start();
    // The URL changes with the restarted node (a new free port): the service asks for it on each request.
    const { service } = await startService(() => [node.url], { outboxDir, liveStream: false });
    try {
      const bundles = Array.from({ length: COUNT }, (_, i) =>
        chartToFhir({ chartId: 'x', chart: sampleChart(`Worker Import ${i}`), versions: [] }),
      );
      let done = 0;
      let crash: Promise<void> | null = null;
      const results = await Promise.all(
        bundles.map(async (bundle) => {
          const result = await service.importFhir(doctor.holder, bundle);
          // Ends the node's thread once some bundles are in, with others still on their way.
          if (++done === 10) crash = node.terminate();
          return result;
        }),
      );
      await crash;
      expect((await node.crashed).message).toMatch(/^the embedded ledger node stopped unexpectedly/);
      expect(lockHolder(dataDir)).toBeNull();
      const committed = results.filter((r) => r.status === 'committed');
      const pending = results.filter((r) => r.status === 'pending');
      expect(committed.length + pending.length).toBe(COUNT);
      expect(pending.length).toBeGreaterThan(0);
      expect(
        service
          .outbox()
          .map((i) => i.txId)
          .sort(),
      ).toEqual(pending.map((r) => r.txId).sort());

      node = await start();
      await service.retryOutbox();
      await eventually(() => service.outbox().length === 0, 'the outbox drained to the new node');
      const listed = await service.list(doctor.holder);
      expect(listed.map((c) => c.chartId).sort()).toEqual(results.map((r) => r.chartId).sort());
      expect(listed.map((c) => c.status)).toEqual(listed.map(() => 'ok'));
    } finally {
      await service.close();
      await node.stop();
    }
  });
});

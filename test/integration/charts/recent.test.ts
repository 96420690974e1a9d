// Recent actions are live: what this doctor commits from another workstation arrives through the node's
// WebSocket stream (verified before it is listed), merged with this workstation's outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleChart } from '../../fixtures/sample-chart';
import type { InspectedChartService as ChartService } from './inspected-service';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { PIN, TestVault, eventually, removeDir, startNode, startService, tempDir, type Doctor } from './harness';

describe('recent actions', { timeout: 30_000 }, () => {
  let node: LedgerNode;
  let here: ChartService;
  let there: ChartService;
  const vault = new TestVault();
  const dataDir = tempDir('node');
  let doctor: Doctor;
  let other: Doctor;

  beforeAll(async () => {
    node = await startNode(dataDir);
    ({ service: here } = await startService([node.url]));
    ({ service: there } = await startService([node.url], { liveStream: false }));
    doctor = await vault.doctor('Dr Ada Okafor', 'General practice');
    other = await vault.doctor('Dr Ben Lindqvist', 'Cardiology');
    await eventually(() => here.streamConnected(), 'stream connected');
  });

  afterAll(async () => {
    await here?.close();
    await there?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it("lists this doctor's actions from another workstation as they commit, not other doctors'", async () => {
    expect(here.recentActions(doctor.holder)).toEqual([]); // signs the doctor in on this workstation
    const events: string[] = [];
    here.onChange((event) => events.push(event));
    const { chartId } = await there.create(doctor.holder, sampleChart('Nadia Ferro'), { pin: PIN });
    await there.create(other.holder, sampleChart('Someone Else'), { pin: PIN });
    await eventually(() => here.recentActions(doctor.holder).length === 1, 'the create arrives over the stream');
    expect(here.recentActions(doctor.holder)).toEqual([
      expect.objectContaining({
        txId: chartId,
        chartId,
        action: 'create',
        seq: 1,
        status: 'committed',
        patientName: 'Nadia Ferro',
      }),
    ]);
    expect(events).toContain('recent');
    const next = await there.update(doctor.holder, chartId, sampleChart('Nadia Ferro-Lind'));
    await eventually(() => here.recentActions(doctor.holder)[0]?.txId === next.txId, 'the update arrives');
    expect(here.recentActions(doctor.holder).map((a) => [a.seq, a.action, a.patientName])).toEqual([
      [2, 'update', 'Nadia Ferro-Lind'],
      [1, 'create', 'Nadia Ferro'],
    ]);
  });
});

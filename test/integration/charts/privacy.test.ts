// No patient name or field value appears anywhere the ledger exposes: every HTTP endpoint's raw answer, the
// WebSocket stream, the node's data files, and the app's own files on disk (the outbox, the verified cache) are
// scanned for every value of the chart.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sampleChart } from '../../fixtures/sample-chart';
import type { Chart } from '../../../src-shared/records/chart';
import type { InspectedChartService as ChartService } from './inspected-service';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { NODE_TOKEN, PIN, TestVault, removeDir, startNode, startService, tempDir, type Doctor } from './harness';

// The node wants its token; the scan must read real answers (a 401 body would hide nothing and prove nothing).
const auth = { Authorization: `Bearer ${NODE_TOKEN}` };

function chartValues(chart: Chart): string[] {
  const values = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.length >= 4 && !/^\d{4}-\d{2}-\d{2}$/.test(v)) values.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(chart);
  values.add(chart.patient.birthDate);
  return [...values];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('no health data in clear on the ledger or on disk', { timeout: 30_000 }, () => {
  let node: LedgerNode;
  let service: ChartService;
  let outboxDir: string;
  const vault = new TestVault();
  const dataDir = tempDir('node');
  const cacheDir = tempDir('verified');
  let doctor: Doctor;
  const streamed: string[] = [];
  let socket: WebSocket;
  const chart = sampleChart('Zebulon Quintavalle-Hargreave');
  chart.illnesses[0]!.symptoms = 'Polydipsia and nocturia';
  const secrets = chartValues(chart);

  beforeAll(async () => {
    node = await startNode(dataDir);
    ({ service, outboxDir } = await startService([node.url], { liveStream: false, cacheDir }));
    doctor = await vault.doctor('Dr Ada Okafor', 'General practice');
    const info = (await (await fetch(`${node.url}/`)).json()) as { api: { v1: { streams: string } } };
    socket = new WebSocket(info.api.v1.streams, { headers: auth });
    socket.on('message', (data) => streamed.push(data.toString()));
    await new Promise((resolve) => socket.once('open', resolve));
  });

  afterAll(async () => {
    socket?.close();
    await service?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
    removeDir(cacheDir);
  });

  it('scans every endpoint, the stream and the files', async () => {
    expect(secrets).toContain('Zebulon Quintavalle-Hargreave');
    expect(secrets).toContain('Metformin');
    expect(secrets).toContain('1984-03-09');
    const created = await service.create(doctor.holder, chart, { pin: PIN });
    const updated = structuredClone(chart);
    updated.visits[0]!.notes = 'Retinal screening booked at Kestrel Eye Clinic';
    secrets.push('Retinal screening booked at Kestrel Eye Clinic');
    const second = await service.update(doctor.holder, created.chartId, updated);
    const txIds = [created.chartId, second.txId];

    const paths = [
      '/',
      '/api/v1',
      '/api/v1/',
      `/api/v1/transactions?asset_id=${created.chartId}`,
      `/api/v1/transactions?asset_id=${created.chartId}&last_tx=true`,
      ...txIds.map((id) => `/api/v1/transactions/${id}`),
      ...txIds.map((id) => `/api/v1/blocks?transaction_id=${id}`),
      `/api/v1/outputs?public_key=${doctor.holder.signKey}`,
      `/api/v1/metadata?search=${doctor.holder.boxKey}`,
      '/api/v1/assets?search=chart',
      '/api/v1/validators',
      // Searching for the values themselves must find nothing to show either.
      ...secrets.map((s) => `/api/v1/metadata?search=${encodeURIComponent(s)}`),
      ...secrets.map((s) => `/api/v1/assets?search=${encodeURIComponent(s)}`),
    ];
    for (let height = 0; ; height++) {
      const response = await fetch(`${node.url}/api/v1/blocks/${height}`, { headers: auth });
      const body = await response.text();
      if (response.status === 404) break;
      paths.push(`/api/v1/blocks/${height}`);
      expect(body.length).toBeGreaterThan(0);
    }
    let scanned = 0;
    for (const path of paths) {
      const response = await fetch(`${node.url}${path}`, { headers: auth });
      expect([path, response.status]).toEqual([path, 200]);
      const body = await response.text();
      scanned += body.length;
      for (const secret of secrets) expect(body.includes(secret), `${secret} in ${path}`).toBe(false);
    }
    expect(scanned).toBeGreaterThan(5000);
    expect(streamed.length).toBeGreaterThanOrEqual(2);
    for (const message of streamed) for (const secret of secrets) expect(message).not.toContain(secret);

    // On disk: the node's store, the verified cache (filled by opening the chart), and the outbox, which holds a
    // signed version while no node answers.
    expect((await service.get(doctor.holder, created.chartId)).versions).toHaveLength(2);
    await node.stop();
    updated.visits[0]!.notes = 'Referred to Marlowe Podiatry';
    secrets.push('Referred to Marlowe Podiatry');
    expect((await service.update(doctor.holder, created.chartId, updated)).status).toBe('pending');
    expect(service.outbox()).toHaveLength(1);
    expect(readdirSync(outboxDir).sort()).toEqual(['data.mdb', 'lock.mdb']); // the store is not compressed: the scan reads its bytes
    await service.parts.cache?.idle();
    expect(service.parts.loader.cachedChain(doctor.holder, created.chartId)?.txs).toHaveLength(2);
    const files = [...filesUnder(dataDir), ...filesUnder(outboxDir), ...filesUnder(cacheDir)];
    expect(filesUnder(cacheDir).length).toBeGreaterThan(0);
    let bytes = 0;
    for (const file of files) {
      const content = readFileSync(file);
      bytes += content.length;
      for (const secret of secrets) expect(content.includes(Buffer.from(secret)), `${secret} in ${file}`).toBe(false);
    }
    expect(bytes).toBeGreaterThan(1000);
    // Sanity check of the scan itself: the decrypted chart (here the pending version) does hold the values.
    const view = await service.get(doctor.holder, created.chartId);
    expect(JSON.stringify(view.chart)).toContain('Marlowe Podiatry');
    expect(view.head.status).toBe('pending');
  });
});

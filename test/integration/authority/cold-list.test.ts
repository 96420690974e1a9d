// The cold list with credential checks (docs/AUTHORITY.md §"The cold list: reading the bad blocks"): a list places
// its charts' versions by reading only the blocks where their authors' credentials did not count, instead of asking
// each chart's block height; it says the same as the per-chart check (revoked, not yet valid), falls back to asking
// per chart when those blocks outnumber the charts, and a node's block listings never override what the reader knows.
// Real embedded node over HTTP (through a counting proxy and a rewriting one), real keychain, the real chart service.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import type { ChartService } from '../../../src-main/records/chart-service';
import type { ChartSummary } from '../../../src-shared/ipc/data';
import { sampleChart } from '../../fixtures/sample-chart';
import { startCountingProxy, type CountingProxy } from '../charts/counting-proxy';
import { startTamperProxy, type TamperProxy } from '../charts/tamper-proxy';
import { NODE_TOKEN, PIN, TestVault, removeDir, startNode, tempDir, type Doctor } from '../charts/harness';
import { Hospital, pinnedService } from './hospital-setup';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/** Charts each doctor writes while credentialed: more charts than their bad blocks, so the sweep is used. */
const VALID_CHARTS = 8;

describe('the cold list with credential checks', () => {
  const dataDir = tempDir('node');
  const vault = new TestVault();
  let node: LedgerNode;
  let tamper: TamperProxy;
  let counting: CountingProxy;
  let honest: LedgerNodeClient;
  let hospital: Hospital;
  let writer: ChartService;
  let ada: Doctor;
  let bo: Doctor;
  let boEarly = '';
  let adaLate = '';
  let revokeId = '';
  const open: ChartService[] = [];

  /** A reader service that has seen nothing yet (no cache, its stream started after every write). */
  const coldReader = async (): Promise<ChartService> => {
    const service = await pinnedService([counting.url], hospital.authorityId);
    open.push(service);
    return service;
  };
  const listed = async (service: ChartService, who: Doctor): Promise<Map<string, ChartSummary>> =>
    new Map((await service.list(who.holder)).map((c) => [c.chartId, c]));
  /** Height requests for anything but the authority's and the credentials' own transactions (the registry's). */
  const heightRequests = async () => {
    const registry = await new CredentialRegistry(honest, hospital.authorityId).load();
    const own = new Set(registry.knownPositions().map((p) => p.txId));
    return counting.requests.filter((r) => {
      const id = /blocks\?transaction_id=([0-9a-f]{64})$/.exec(r)?.[1];
      return id !== undefined && !own.has(id);
    });
  };
  const blockReads = () => counting.requests.filter((r) => /\/api\/v1\/blocks\/\d+$/.test(r));

  beforeAll(async () => {
    node = await startNode(dataDir);
    tamper = await startTamperProxy(node.url);
    counting = await startCountingProxy(tamper.url);
    honest = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    bo = await vault.doctor('Dr Bo Lind', 'Cardiology');
    writer = await pinnedService([node.url], '');
    hospital = await Hospital.found(node.url);
    // Bo writes once after the authority exists, before IT credentials him: that version never counts.
    boEarly = (await writer.create(bo.holder, sampleChart('Early Bo'), { pin: PIN })).chartId;
    await hospital.credential(bo.holder, 'Dr Bo Lind');
    const adaCredential = await hospital.credential(ada.holder, 'Dr Ada Okafor');
    for (let i = 0; i < VALID_CHARTS; i++) {
      await writer.create(bo.holder, sampleChart(`Bo ${i}`), { pin: PIN });
      await writer.create(ada.holder, sampleChart(`Ada ${i}`), { pin: PIN });
    }
    await hospital.revoke(adaCredential);
    revokeId = (await new CredentialRegistry(honest, hospital.authorityId).load()).credential(adaCredential)!.acts[0]!
      .txId;
    // Ada's key still writes (the node accepts it); every reader must show it as written after the revocation.
    adaLate = (await writer.create(ada.holder, sampleChart('Late Ada'), { pin: PIN })).chartId;
  });

  afterAll(async () => {
    for (const service of [writer, ...open]) await service?.close();
    hospital?.close();
    honest?.close();
    await counting?.close();
    await tamper?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it('reads the bad blocks, asks no chart its height, and says what the per-chart check says', async () => {
    const reader = await coldReader();
    counting.reset();
    const adas = await listed(reader, ada);
    const bos = await listed(reader, bo);
    expect(adas.size).toBe(VALID_CHARTS + 1);
    expect(bos.size).toBe(VALID_CHARTS + 1);
    expect(await heightRequests()).toEqual([]);
    expect(blockReads().length).toBeGreaterThan(0);
    // Fewer requests than one a chart, the tip's probes included (before: one height request a chart).
    expect(blockReads().length).toBeLessThan(adas.size + bos.size);

    expect(adas.get(adaLate)).toMatchObject({ integrity: 'unknown-author', patientName: '' });
    expect(adas.get(adaLate)!.tamperReason).toMatch(
      /^Unknown author: version 1 was signed by Dr Ada Okafor .* at block \d+, after their credential was revoked$/,
    );
    expect(bos.get(boEarly)).toMatchObject({ integrity: 'unknown-author', patientName: '' });
    expect(bos.get(boEarly)!.tamperReason).toMatch(/at block \d+, before their credential was valid$/);
    for (const [id, summary] of [...adas, ...bos])
      if (id !== adaLate && id !== boEarly)
        expect(summary).toMatchObject({ integrity: 'verified', tamperReason: null });

    // The per-chart check (opening each chart in another cold reader) says exactly the same, block numbers included.
    const perChart = await coldReader();
    for (const [who, list] of [
      [ada, adas],
      [bo, bos],
    ] as const)
      for (const [id, summary] of list) {
        const { summary: opened } = await perChart.get(who.holder, id);
        expect([id, opened.integrity, opened.tamperReason]).toEqual([id, summary.integrity, summary.tamperReason]);
      }
  });

  it("a doctor credentialed for good is listed with no probe of the node's tip: only blocks below the registry's own", async () => {
    const registry = await new CredentialRegistry(honest, hospital.authorityId).load();
    const highest = Math.max(...registry.knownPositions().map((p) => p.height));
    const reader = await coldReader();
    counting.reset();
    const bos = await listed(reader, bo);
    expect(await heightRequests()).toEqual([]);
    // A probe searches above the tip (the latest block is above the registry's: Ada wrote after her revocation).
    const heights = blockReads().map((r) => Number(/\/blocks\/(\d+)$/.exec(r)![1]));
    expect(heights.length).toBeGreaterThan(0);
    expect(Math.max(...heights)).toBeLessThanOrEqual(highest);
    expect(bos.get(boEarly)!.tamperReason).toMatch(/at block \d+, before their credential was valid$/);
    for (const [id, summary] of bos)
      if (id !== boEarly) expect(summary).toMatchObject({ integrity: 'verified', tamperReason: null });
  });

  it('a block listing that leaves out a transaction the reader knows is there ends the sweep: asked per chart', async () => {
    const { value } = await honest.blockHeights(revokeId);
    const revokedAt = value[0]!;
    tamper.setRewrite((path, body) => {
      if (!path.endsWith(`/api/v1/blocks/${revokedAt}`)) return body;
      const block = JSON.parse(body) as { height: number; transactions: { id: string }[] };
      return JSON.stringify({ ...block, transactions: block.transactions.filter((tx) => tx.id !== revokeId) });
    });
    try {
      const reader = await coldReader();
      counting.reset();
      const adas = await listed(reader, ada);
      expect(adas.get(adaLate)!.tamperReason).toMatch(/after their credential was revoked$/);
      // The registry's revocation is known at its height; the listing of that block left it out: each chart asked.
      expect((await heightRequests()).length).toBeGreaterThanOrEqual(adas.size);
    } finally {
      tamper.setRewrite(null);
    }
  });

  it('a height the reader learned is not overridden by a listing that leaves the version out', async () => {
    const { value } = await honest.blockHeights(adaLate);
    const lateAt = value[0]!;
    const reader = await coldReader();
    // Opened once (its height asked and kept), then listed while the node hides it from its block.
    expect((await reader.get(ada.holder, adaLate)).summary.integrity).toBe('unknown-author');
    tamper.setRewrite((path, body) => {
      if (!path.endsWith(`/api/v1/blocks/${lateAt}`)) return body;
      const block = JSON.parse(body) as { height: number; transactions: { id: string }[] };
      return JSON.stringify({ ...block, transactions: block.transactions.filter((tx) => tx.id !== adaLate) });
    });
    try {
      const adas = await listed(reader, ada);
      expect(adas.get(adaLate)).toMatchObject({ integrity: 'unknown-author' });
      expect(adas.get(adaLate)!.tamperReason).toMatch(/after their credential was revoked$/);
    } finally {
      tamper.setRewrite(null);
    }
  });

  it('KNOWN GAP (as before the sweep): a node that hides a version from its block, to a reader that never knew its height, gets it read as counted — as a false `?transaction_id=` answer does', async () => {
    const { value } = await honest.blockHeights(adaLate);
    const lateAt = value[0]!;
    const { value: before } = await honest.blockHeights(revokeId);
    tamper.setRewrite((path, body) => {
      if (!path.endsWith(`/api/v1/blocks/${lateAt}`)) return body;
      const block = JSON.parse(body) as { height: number; transactions: { id: string }[] };
      return JSON.stringify({ ...block, transactions: block.transactions.filter((tx) => tx.id !== adaLate) });
    });
    try {
      const adas = await listed(await coldReader(), ada);
      expect(adas.get(adaLate)).toMatchObject({ integrity: 'verified' });
    } finally {
      tamper.setRewrite(null);
    }
    // The per-chart path is fooled the same way by a height below the revocation.
    tamper.setRewrite((path, body) =>
      path.includes(`blocks?transaction_id=${adaLate}`) ? JSON.stringify([before[0]! - 1]) : body,
    );
    try {
      expect((await (await coldReader()).get(ada.holder, adaLate)).summary.integrity).toBe('verified');
    } finally {
      tamper.setRewrite(null);
    }
  });

  it('a doctor revoked between two lists of one session: the later list shows the chart written after it as revoked', async () => {
    const cy = await vault.doctor('Dr Cy Moreau', 'Oncology');
    const credential = await hospital.credential(cy.holder, 'Dr Cy Moreau');
    const before = (await writer.create(cy.holder, sampleChart('Cy before'), { pin: PIN })).chartId;
    // Straight to the node: the reader follows its stream (the proxies pass no stream).
    const reader = await pinnedService([node.url], hospital.authorityId);
    open.push(reader);
    const first = await listed(reader, cy);
    expect(first.get(before)).toMatchObject({ integrity: 'verified', tamperReason: null });
    await hospital.revoke(credential);
    const after = (await writer.create(cy.holder, sampleChart('Cy after'), { pin: PIN })).chartId;
    // The reader learns of the revocation from the node's stream (asynchronously): a list may come before it does.
    let second = await listed(reader, cy);
    for (let i = 0; i < 50 && second.get(after)?.integrity !== 'unknown-author'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      second = await listed(reader, cy);
    }
    expect(second.get(after)!.tamperReason).toMatch(
      /^Unknown author: version 1 was signed by Dr Cy Moreau .* at block \d+, after their credential was revoked$/,
    );
    expect(second.get(before)).toMatchObject({ integrity: 'verified', tamperReason: null });
  });

  it('falls back to a height request a chart when the bad blocks outnumber the charts (a long-revoked author)', async () => {
    let last = '';
    for (let i = 0; i < 2 * VALID_CHARTS; i++)
      last = (await writer.create(bo.holder, sampleChart(`Bo later ${i}`), { pin: PIN })).chartId;
    const tip = (await honest.blockHeights(last)).value[0]!;
    const reader = await coldReader();
    counting.reset();
    const adas = await listed(reader, ada);
    expect(adas.get(adaLate)!.tamperReason).toMatch(/after their credential was revoked$/);
    for (const [id, summary] of adas)
      if (id !== adaLate) expect(summary).toMatchObject({ integrity: 'verified', tamperReason: null });
    expect((await heightRequests()).length).toBeGreaterThanOrEqual(adas.size);
    // It read no bad block: the only block reads are the doubling-and-halving search for the tip.
    expect(blockReads().length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(tip)) + 2);
  });
});

// Later versions under a v3 grant and a desk's v3 requests across a restart (docs/UNLINKABLE.md §9,
// docs/EMERGENCY.md), end to end: the real embedded node over HTTP, the emergency service as its own process with a
// short grant (36 s), the keys in the real keychain (run in a D-Bus session with gnome-keyring). The custodian writes
// versions 3 and 4 while the grant runs and version 5 after it: the requester's desk opens version 4, never 5, and
// the node's raw answers for what the service passed on name no chart, version, request, grant or person. A desk
// restarted on the same data folder finds its request and opens the chart without asking again; an altered state
// file is refused with its reason, and the desk still works by asking again.
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LATER_V3_TYPE } from '../../../src-shared/emergency';
import { requestsFileOf } from '../../../src-main/records/emergency-requests-v3';
import { tempDir } from '../charts/harness';
import { V3World } from './v3-world';

vi.setConfig({ testTimeout: 150_000, hookTimeout: 120_000 });

const world = new V3World('desk-v3-later');
const { doctor, stranger, custodian, patient } = world;
const cacheDir = tempDir('desk-v3-later-cache');
let requestId = '';
let grantTx = '';
let expiresAt = '';
const versions: string[] = [];

beforeAll(async () => {
  await world.start(['--grant-hours', '0.01']);
});

afterAll(() => world.stop());

/** The v3 later-version CREATEs on the node (a text search also finds other emergency types: kept by type). */
const laterOnNode = async () =>
  (await world.ledger.client.searchAssets(LATER_V3_TYPE)).value.filter(
    (a) => (a.data as { type?: unknown } | null)?.type === LATER_V3_TYPE,
  );

/** The service's `later` events so far (one per version passed on). */
const laterEvents = () => world.service.events.filter((e) => e.event === 'later');

/** Two requests answered after this call: the service's poll loop has run a whole later-versions pass since. */
async function serviceWentRound(): Promise<void> {
  const desk = await world.deskFor('stranger');
  for (let i = 0; i < 2; i++) {
    const asked = await desk.emergency.request(stranger, {
      target: { chart: world.chartId },
      reason: 'other',
      note: '',
    });
    expect((await world.settled(desk, stranger, asked.requestId)).state).toBe('refused');
  }
}

describe('later versions under a v3 grant', () => {
  it('passes versions 3 and 4 on while the grant runs, and the desk opens version 4', async () => {
    const desk = await world.deskFor('doctor', cacheDir);
    const asked = await desk.emergency.request(doctor, {
      target: { chart: world.chartId },
      reason: 'unconscious',
      note: '',
    });
    requestId = asked.requestId;
    const state = await world.settled(desk, doctor, requestId);
    expect(state).toMatchObject({ state: 'granted', grant: { versionTxId: world.headId } });
    expiresAt = state.grant!.expiresAt;
    const answers = (await world.ledger.client.listTransactions(requestId)).value as { id: string }[];
    grantTx = answers.find((t) => t.id !== requestId)!.id;

    versions.push(await world.writeVersion('+44 20 7946 0003'), await world.writeVersion('+44 20 7946 0004'));
    await vi.waitFor(() => expect(laterEvents().map((e) => e.version)).toEqual(versions), {
      timeout: 20_000,
      interval: 200,
    });
    const view = await desk.emergency.openByGrant(doctor, world.chartId, new Date(Date.parse(expiresAt) - 1000));
    expect(view.seq).toBe(4);
    expect(view.txId).toBe(versions[1]);
    expect(view.data?.patient.phone).toBe('+44 20 7946 0004');
    expect(view.emergency).toMatchObject({ requestId, expiresAt });
  });

  it('what the service passed on names no chart, version, request, grant or person on the node', async () => {
    const hits = await laterOnNode();
    expect(hits).toHaveLength(2);
    const request = JSON.parse(await world.rawText(`/api/v1/transactions/${requestId}`)) as {
      inputs: { owners_before: string[] }[];
    };
    const secrets = [
      world.chartId,
      ...versions,
      requestId,
      grantTx,
      request.inputs[0]!.owners_before[0]!,
      ...[doctor, custodian, patient].flatMap((p) => [p.signKey, p.boxKey]),
    ];
    const sizes = new Set<number>();
    for (const hit of hits) {
      const raw = await world.rawText(`/api/v1/transactions/${hit.id}`);
      for (const secret of secrets) expect(raw).not.toContain(secret);
      for (const word of ['"chart"', '"requester"', '"grant"', 'expiresAt', 'dataKey']) expect(raw).not.toContain(word);
      const tx = JSON.parse(raw) as { asset: { data: object }; outputs: { public_keys: string[] }[] };
      // Its output goes to a key nobody keeps: not the emergency key (a pending request), not the requester's.
      expect(tx.outputs[0]!.public_keys).not.toContain(world.emergency.signKey);
      sizes.add(JSON.stringify(tx.asset.data).length);
    }
    // Both sealed parts are padded to one bucket: the two later versions are the same size on the node.
    expect(sizes.size).toBe(1);
    for (const text of [world.chartId, grantTx, requestId, ...versions]) {
      const found = (await world.ledger.client.searchAssets(text)).value.map((a) => a.id);
      for (const hit of hits) expect(found).not.toContain(hit.id);
    }
  });

  it('a desk restarted on the same data folder finds its request and opens version 4 without asking again', async () => {
    const file = await readFile(requestsFileOf(cacheDir, doctor), 'utf8');
    for (const secret of [world.chartId, requestId, doctor.signKey, 'unconscious']) expect(file).not.toContain(secret);
    const restarted = await world.deskFor('doctor-restarted', cacheDir);
    expect(await restarted.emergency.v3RestoreProblem(doctor)).toBeNull();
    expect(await restarted.emergency.requestState(doctor, requestId)).toMatchObject({
      state: 'granted',
      chartId: world.chartId,
      reason: 'unconscious',
    });
    const before = new Date(Date.parse(expiresAt) - 1000);
    const access = await restarted.emergency.access(doctor, world.chartId, before);
    expect(access.history.find((e) => e.kind === 'emergency-request')).toMatchObject({
      by: { signKey: doctor.signKey },
    });
    const view = await restarted.emergency.openByGrant(doctor, world.chartId, before);
    expect([view.seq, view.txId, view.emergency.requestId]).toEqual([4, versions[1], requestId]);
  });

  it('passes nothing on after the grant expired: the desk never opens version 5', async () => {
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(Date.parse(expiresAt) + 500), {
      timeout: 60_000,
      interval: 500,
    });
    const fifth = await world.writeVersion('+44 20 7946 0005');
    await serviceWentRound();
    expect(laterEvents().map((e) => e.version)).toEqual(versions);
    expect(await laterOnNode()).toHaveLength(2);
    const desk = world.desks[0]!;
    const view = await desk.emergency.openByGrant(doctor, world.chartId, new Date(Date.parse(expiresAt) - 1000));
    expect(view.seq).toBe(4);
    expect(view.txId).not.toBe(fifth);
    await expect(desk.emergency.openByGrant(doctor, world.chartId)).rejects.toMatchObject({ code: 'NotAReader' });
  });

  it('an altered state file is refused with its reason, and the desk works by asking again', async () => {
    const path = requestsFileOf(cacheDir, doctor);
    const bytes = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(path, `${bytes.toString('base64')}\n`);
    const desk = await world.deskFor('doctor-altered', cacheDir);
    expect(await desk.emergency.v3RestoreProblem(doctor)).toMatch(
      /does not open with this identity's key: it was altered/,
    );
    await expect(desk.emergency.requestState(doctor, requestId)).rejects.toMatchObject({ code: 'InvalidRequest' });
    const again = await desk.emergency.request(doctor, {
      target: { chart: world.chartId },
      reason: 'unconscious',
      note: '',
    });
    expect(await world.settled(desk, doctor, again.requestId)).toMatchObject({ state: 'granted' });
    const view = await desk.emergency.openByGrant(doctor, world.chartId);
    expect([view.seq, view.txId]).toEqual([5, world.headId]);
    // The new state replaces the altered one, and a restart reads it.
    const restarted = await world.deskFor('doctor-altered-restarted', cacheDir);
    expect(await restarted.emergency.v3RestoreProblem(doctor)).toBeNull();
    expect((await restarted.emergency.requestState(doctor, again.requestId)).state).toBe('granted');
  });
});

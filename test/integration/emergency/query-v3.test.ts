// A v3 emergency request by patient identifiers (docs/EMERGENCY.md, "Requests by patient identifiers";
// docs/UNLINKABLE.md §9), end to end: the real embedded node over HTTP, a real 1-of-1 hospital authority, the
// emergency service as its own process with its key in the real keychain (run in a D-Bus session with
// gnome-keyring). A desk whose new charts are v3 sends the family name, given name and date of birth sealed in the
// request's box; the service matches them against the v3 charts its key opens (src-main/emergency/chart-index-v3.ts):
// one match is granted, none is `unknown-chart`, several `ambiguous`. Charts created by a key the authority never
// credentialed, with the emergency key among their readers, neither capture a request nor make it ambiguous. The
// observer's check: no raw answer of the node about the requests and their answers holds the query in clear.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REQUEST_V3_TYPE } from '../../../src-shared/emergency';
import type { ChartService } from '../../../src-main/records/chart-service';
import { eventually } from '../charts/harness';
import { createV3Chart, v3Holder, V3World } from './v3-world';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const world = new V3World('query-v3');
const { doctor, stranger, custodian } = world;
let desk: ChartService;
/** Every request the tests posted: the observer reads them and their answers at the end. */
const requests: string[] = [];
/** What the requests typed, which must appear nowhere on the ledger in clear. */
const TYPED = ['Iris', 'Vale', 'Mara', 'Quill', 'Nobody', '1984-03-09', '1990-01-01'];

const ask = async (family: string, given: string, birthDate: string) => {
  const asked = await desk.emergency.request(doctor, {
    target: { query: { family, given, birthDate } },
    reason: 'unconscious',
    note: '',
  });
  requests.push(asked.requestId);
  expect(asked).toMatchObject({ chartId: null, state: 'waiting' });
  return world.settled(desk, doctor, asked.requestId);
};

beforeAll(async () => {
  await world.start();
  // Charts posted by a key the authority never credentialed, the emergency key among their readers: one with the
  // world's patient's identifiers (it must not make a request ambiguous), one with a patient of its own (it must not
  // be granted).
  await createV3Chart(world.ledger, stranger, v3Holder(), world.custody, undefined, 'Iris Vale');
  await createV3Chart(world.ledger, stranger, v3Holder(), world.custody, undefined, 'Mara Quill');
  desk = await world.deskFor('doctor', undefined, 'v3');
});

afterAll(() => world.stop());

describe('a v3 emergency request by patient identifiers', () => {
  it("one match is granted: the world's chart, its head, despite a forged chart with the same patient", async () => {
    const state = await ask('vale', 'Iris', '1984-03-09');
    expect(state).toMatchObject({
      state: 'granted',
      chartId: world.chartId,
      grant: { versionTxId: world.headId, grantedBy: { signKey: world.emergency.signKey } },
    });
    const view = await desk.emergency.openByGrant(doctor, world.chartId);
    expect(view.data?.patient.name).toBe('Iris Vale');
    expect(view.txId).toBe(world.headId);
    // The request went as v3: a sealed box, no query in the v1 shape.
    const request = (await world.ledger.client.getTransaction(state.requestId)).value as { asset: { data: unknown } };
    expect(request.asset.data).toMatchObject({ type: REQUEST_V3_TYPE });
  });

  it('a service restarted after that grant still passes the next version on (its note names the chart)', async () => {
    await world.service.stop('SIGKILL');
    world.startService();
    const next = await world.writeVersion('+44 20 7946 0123');
    await eventually(
      async () => world.service.events.some((e) => e.event === 'later' && e.version === next),
      'the restarted service passing the new version on',
      30_000,
    );
    const view = await desk.emergency.openByGrant(doctor, world.chartId);
    expect(view.txId).toBe(next);
    expect(view.data?.patient.phone).toBe('+44 20 7946 0123');
  });

  it('a patient only an uncredentialed key wrote a chart for is unknown-chart, and so is no patient at all', async () => {
    expect(await ask('Quill', 'Mara', '1984-03-09')).toMatchObject({
      state: 'refused',
      refusal: { reason: 'unknown-chart' },
      grant: null,
    });
    expect(await ask('Nobody', '', '1990-01-01')).toMatchObject({
      state: 'refused',
      refusal: { reason: 'unknown-chart' },
    });
  });

  it('two credentialed charts of the same patient are ambiguous', async () => {
    const second = await createV3Chart(world.ledger, custodian, v3Holder(), world.custody, undefined, 'Iris Vale');
    expect(second.tx.id).not.toBe(world.chartId);
    expect(await ask('Vale', 'Iris', '1984-03-09')).toMatchObject({
      state: 'refused',
      refusal: { reason: 'ambiguous' },
      grant: null,
    });
  });

  it('the observer: no raw node answer about the requests and their answers holds what was typed', async () => {
    expect(requests).toHaveLength(4);
    for (const id of requests) {
      const raw = await world.rawText(`/api/v1/transactions?asset_id=${id}`);
      expect(JSON.parse(raw)).toHaveLength(2); // the request and its answer
      // Quoted (as JSON would hold them in clear) or with characters base64 never holds: a sealed box cannot match.
      for (const word of TYPED) {
        expect(raw).not.toContain(`"${word}"`);
        expect(raw).not.toContain(`"${word.toLowerCase()}"`);
      }
      for (const word of ['1984-03-09', '1990-01-01', 'Iris Vale', '"family"', '"given"', '"birthDate"', '"query"'])
        expect(raw).not.toContain(word);
      expect(raw).not.toContain(world.chartId);
    }
    // Nor does the node's text index find them in any request or answer.
    for (const word of TYPED) {
      const hits = [
        ...(await world.ledger.client.searchAssets(word)).value.map((a) => a.id),
        ...(await world.ledger.client.searchMetadata(word)).value.map((m) => m.id),
      ];
      for (const id of requests) expect(hits).not.toContain(id);
    }
  });
});

// The pool's fetchAnswer: a verification worker GETs a node's answer over real HTTP on 127.0.0.1 and validates a
// short v1 chart answer on the way, with exactly the main thread's verdicts; anything it should not judge (an error
// answer, a long chart, not JSON) comes back unvalidated; a request that fails fails as the transport's would; and a
// worker lost mid-request costs nothing but time (the main thread makes the GET).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import type { Transaction } from '../../src-shared/ledger';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { payloadOf } from '../../src-shared/records/payload';
import { nativeLedgerCrypto as crypto } from '../crypto/ledger-crypto';
import { buildCreate, buildVersion } from '../records/version-builder';
import { validateWithinAnswer } from './answer-validation';
import { HttpTransport } from './http-transport';
import { VerifyPool } from './verify-pool';

async function chain(length: number): Promise<Transaction[]> {
  const holder = new SeedKeyHolder(randomBytes(32));
  const payload = payloadOf(sampleChart(), null, { signKey: holder.signKey, boxKey: holder.boxKey, name: '' }, []);
  const txs = [(await buildCreate(holder, payload, crypto)).tx];
  for (let seq = 2; seq <= length; seq++)
    txs.push((await buildVersion(holder, txs.at(-1)!, txs[0]!.id, 'update', seq, payload, crypto)).tx);
  return txs;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const servers: http.Server[] = [];
let pool: VerifyPool | null = null;

afterEach(async () => {
  await pool?.close();
  pool = null;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A server answering every GET with `answer(path)`, recording each request's authorization header. */
async function serve(
  answer: (path: string) => { status: number; body: string } | Promise<{ status: number; body: string }>,
) {
  const seen: (string | undefined)[] = [];
  const server = http.createServer(async (req, res) => {
    seen.push(req.headers.authorization);
    const { status, body } = await answer(req.url!);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('VerifyPool.fetchAnswer', () => {
  it('fetches in a worker, sends the headers given, and validates a short answer as the main thread would', async () => {
    const clean = await chain(3);
    const forged = structuredClone(clean);
    (forged[1]!.metadata as { at: string }).at = '2020-01-01T00:00:00.000Z'; // the id no longer matches
    const bodies: Record<string, string> = { '/clean': JSON.stringify(clean), '/forged': JSON.stringify(forged) };
    const node = await serve((path) => ({ status: 200, body: bodies[path]! }));
    pool = new VerifyPool({ size: 1, crypto });
    const headers = { authorization: 'Bearer per-launch-token' };
    const [a, b] = await Promise.all([
      pool.fetchAnswer(`${node.url}/clean`, 5000, headers, clean[0]!.id),
      pool.fetchAnswer(`${node.url}/forged`, 5000, headers, clean[0]!.id),
    ]);
    expect(a).toEqual({ status: 200, text: bodies['/clean'], verdicts: [null, null, null] });
    expect(b.text).toBe(bodies['/forged']);
    expect(b.verdicts).toEqual(validateWithinAnswer(forged, range(3), crypto));
    expect(b.verdicts!.map((v) => v?.type ?? null)).toEqual([null, 'InvalidHash', null]);
    expect(node.seen).toEqual(['Bearer per-launch-token', 'Bearer per-launch-token']);
  });

  it('leaves to the caller what it should not judge: an error answer, text that is not JSON, a long chart or answer', async () => {
    const long = await chain(33);
    // One version padded past 1 MiB: not parsed in the worker only to be left to the split.
    const huge = JSON.stringify([{ ...long[0]!, padding: 'x'.repeat(1024 * 1024) }]);
    const node = await serve((path) =>
      path === '/long'
        ? { status: 200, body: JSON.stringify(long) }
        : path === '/huge'
          ? { status: 200, body: huge }
          : path === '/garbled'
            ? { status: 200, body: '[{"id": ' }
            : { status: 404, body: '{"message":"Not found"}' },
    );
    pool = new VerifyPool({ size: 1, crypto });
    const got = await Promise.all(
      ['/long', '/huge', '/garbled', '/missing'].map((p) => pool!.fetchAnswer(node.url + p, 5000, {})),
    );
    expect(got.map((g) => [g.status, g.verdicts])).toEqual([
      [200, null],
      [200, null],
      [200, null],
      [404, null],
    ]);
    expect(got[0]!.text).toBe(JSON.stringify(long));
    expect(got[1]!.text).toBe(huge);
    expect(got[3]!.text).toBe('{"message":"Not found"}');
  });

  it("a request that gets no answer fails with the message the main thread's transport gives", async () => {
    const gone = await serve(() => ({ status: 200, body: '[]' }));
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const direct = new HttpTransport();
    const expected = await direct.get(gone.url, 2000).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    direct.close();
    expect(expected).toMatch(/ECONNREFUSED/);
    pool = new VerifyPool({ size: 1, crypto });
    await expect(pool.fetchAnswer(gone.url, 2000, {})).rejects.toThrow(expected);
  });

  it('a worker lost while it fetches: the main thread makes the GET, and the caller gets the answer', async () => {
    const txs = await chain(1);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let requests = 0;
    const node = await serve(async () => {
      if (++requests === 1) await held; // the worker's request hangs until the worker is gone
      return { status: 200, body: JSON.stringify(txs) };
    });
    pool = new VerifyPool({ size: 1, crypto });
    await pool.warm();
    const answer = pool.fetchAnswer(node.url, 5000, {}, txs[0]!.id);
    const slots = (
      pool as unknown as {
        slots: { worker: { terminate(): Promise<number> } | null; fetching: Map<number, unknown> }[];
      }
    ).slots;
    while (requests === 0) await new Promise((r) => setTimeout(r, 5));
    expect(slots[0]!.fetching.size).toBe(1);
    await slots[0]!.worker!.terminate();
    expect(await answer).toEqual({ status: 200, text: JSON.stringify(txs), verdicts: null });
    expect(requests).toBe(2);
    release();
    // A new worker takes the next request.
    expect((await pool.fetchAnswer(node.url + '/again', 5000, {}, txs[0]!.id)).verdicts).toEqual([null]);
  });

  it("shares the reads: past 16 in the worker's hands, the main thread makes them (left to the usual validation)", async () => {
    const txs = await chain(1);
    const node = await serve(() => ({ status: 200, body: JSON.stringify(txs) }));
    pool = new VerifyPool({ size: 1, crypto });
    const got = await Promise.all(range(40).map(() => pool!.fetchAnswer(node.url, 5000, {}, txs[0]!.id)));
    expect(got.every((g) => g.status === 200 && g.text === JSON.stringify(txs))).toBe(true);
    expect(got.filter((g) => g.verdicts !== null)).toHaveLength(16);
    expect(got.filter((g) => g.verdicts !== null).every((g) => g.verdicts![0] === null)).toBe(true);
  });

  it('after close, the main thread makes the GET (unvalidated)', async () => {
    const txs = await chain(2);
    const node = await serve(() => ({ status: 200, body: JSON.stringify(txs) }));
    pool = new VerifyPool({ size: 1, crypto });
    await pool.close();
    expect(await pool.fetchAnswer(node.url, 5000, {}, txs[0]!.id)).toEqual({
      status: 200,
      text: JSON.stringify(txs),
      verdicts: null,
    });
  });
});

import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open as openLmdb } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from './outbox';
import { storedTestRecord, testRecord, testTxId as id } from '../../test/fixtures/outbox-records';

const dirs: string[] = [];
const opened: Outbox[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hc-outbox-'));
  dirs.push(d);
  return d;
};
const openOutbox = async (d: string) => {
  const outbox = await Outbox.open(d);
  opened.push(outbox);
  return outbox;
};
afterEach(async () => {
  for (const outbox of opened.splice(0)) await outbox.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 5, 0, s)).toISOString();
const version = (n: number, chart: number, seq: number, createdAt: string) =>
  testRecord(n, { chartId: id(chart), seq, action: seq === 1 ? 'create' : 'update', createdAt });

describe('Outbox (lmdb on disk)', () => {
  it('keeps the records in one store in its directory and finds them again after a restart, oldest first', async () => {
    const d = dir();
    const outbox = await openOutbox(d);
    await outbox.add(version(2, 9, 3, at(1)));
    await outbox.add(version(1, 9, 2, at(0)));
    await outbox.update(id(2), { attempts: 4, lastError: 'No ledger node answered', nextAttemptAt: at(60) });
    expect(readdirSync(d).sort()).toEqual(['data.mdb', 'lock.mdb']);
    const reopened = await openOutbox(d);
    expect(reopened.items().map((i) => [i.txId, i.seq, i.attempts, i.lastError, i.state])).toEqual([
      [id(1), 2, 0, null, 'pending'],
      [id(2), 3, 4, 'No ledger node answered', 'pending'],
    ]);
    expect(reopened.get(id(2))).toEqual({
      ...storedTestRecord(2, version(2, 9, 3, at(1))),
      attempts: 4,
      lastError: 'No ledger node answered',
      nextAttemptAt: at(60),
    });
    expect(reopened.unreadable).toEqual([]);
  });

  it('removes a record only when told (commit), and a restart does not bring it back', async () => {
    const d = dir();
    const outbox = await openOutbox(d);
    await outbox.add(testRecord(1));
    await outbox.add(testRecord(2));
    await outbox.remove(id(1));
    expect(outbox.all().map((r) => r.tx.id)).toEqual([id(2)]);
    expect((await openOutbox(d)).all().map((r) => r.tx.id)).toEqual([id(2)]);
  });

  it("keeps a rejected record, with the node's reason, across restarts until it is discarded", async () => {
    const d = dir();
    const outbox = await openOutbox(d);
    await outbox.add(testRecord(1));
    const reason = 'Invalid transaction (DoubleSpend): input `abc` was already spent';
    await outbox.update(id(1), {
      attempts: 1,
      lastAttemptAt: at(5),
      nextAttemptAt: null,
      lastError: reason,
      state: 'rejected',
    });
    const reopened = await openOutbox(d);
    expect(reopened.items()).toMatchObject([{ txId: id(1), state: 'rejected', lastError: reason, attempts: 1 }]);
    await reopened.remove(id(1));
    expect((await openOutbox(d)).items()).toEqual([]);
  });

  it('a retry recorded just before the removal does not bring the record back, in memory or on disk', async () => {
    const d = dir();
    const outbox = await openOutbox(d);
    await outbox.add(testRecord(1));
    await Promise.all([outbox.update(id(1), { attempts: 1, lastError: 'timeout' }), outbox.remove(id(1))]);
    expect(outbox.get(id(1))).toBeUndefined();
    expect((await openOutbox(d)).get(id(1))).toBeUndefined();
  });

  it('keeps its directory private (also one that existed with wider rights) and its files readable only by the user', async () => {
    const parent = dir();
    const fresh = join(parent, 'fresh');
    const existing = join(parent, 'existing');
    mkdirSync(existing);
    chmodSync(existing, 0o755);
    for (const d of [fresh, existing]) {
      const outbox = await openOutbox(d);
      await outbox.add(testRecord(1));
      expect(statSync(d).mode & 0o777).toBe(0o700);
      for (const name of readdirSync(d))
        expect({ name, mode: statSync(join(d, name)).mode & 0o777 }).toEqual({ name, mode: 0o600 });
    }
  });

  it('1,000 concurrent adds share commits, and each is in the store when its add resolves', async () => {
    const d = dir();
    const outbox = await openOutbox(d);
    const before = outbox.commits;
    const resolvedAt = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 1000 }, async (_, n) => {
        const record = await outbox.add(testRecord(n));
        resolvedAt.set(record.tx.id, outbox.commits);
      }),
    );
    const commits = outbox.commits - before;
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(100);
    // Resolved ⇒ committed: no add resolves before the lmdb transaction holding it is counted.
    expect(Math.min(...resolvedAt.values())).toBeGreaterThan(before);
    const reopened = await openOutbox(d);
    expect(reopened.all()).toHaveLength(1000);
    for (let n = 0; n < 1000; n += 1) expect(reopened.get(id(n))).toEqual(storedTestRecord(n));
    // The store holds the bytes, not only a memory image: the last record's sealed box is in the data file.
    expect(
      readFileSync(join(d, 'data.mdb')).includes(Buffer.from(storedTestRecord(999).tx.metadata!.box as string)),
    ).toBe(true);
  });

  it('refuses, with a clear error and nothing listed or stored, a record without a transaction id or after close', async () => {
    const d = dir();
    const outbox = await Outbox.open(d);
    const unsigned = testRecord(1);
    unsigned.tx = { ...unsigned.tx, id: null as unknown as string };
    await expect(outbox.add(unsigned)).rejects.toThrow(
      'An outbox record needs a signed transaction (its id is 64 hex digits, got null)',
    );
    await outbox.close();
    await expect(outbox.add(testRecord(2))).rejects.toThrow(`The outbox in ${d} is closed`);
    await expect(outbox.remove(id(2))).rejects.toThrow(/closed/);
    expect(outbox.all()).toEqual([]);
    expect((await openOutbox(d)).all()).toEqual([]);
  });

  it('leaves an entry it cannot read in the store, reports it, and loads the rest', async () => {
    const d = dir();
    const outbox = await Outbox.open(d);
    await outbox.add(testRecord(1));
    await outbox.close();
    const root = openLmdb({ path: d, maxDbs: 2 });
    const records = root.openDB<string, string>('records', { encoding: 'string' });
    await records.put(id(2), '{"version":1,"tx":{"id":"');
    await records.put(id(3), JSON.stringify({ ...storedTestRecord(3), version: 2 }));
    await root.close();
    const reopened = await openOutbox(d);
    expect(reopened.all().map((r) => r.tx.id)).toEqual([id(1)]);
    expect([...reopened.unreadable].sort()).toEqual([id(2), id(3)].sort());
    await reopened.add(testRecord(4));
    expect([...(await openOutbox(d)).unreadable].sort()).toEqual([id(2), id(3)].sort());
  });
});

describe('Outbox order', () => {
  it('lists oldest first overall and each chart by seq, even when a clock step made a later version look older', async () => {
    const outbox = await openOutbox(dir());
    await outbox.add(version(10, 1, 1, at(5)));
    await outbox.add(version(20, 2, 2, at(3)));
    await outbox.add(version(21, 2, 3, at(2))); // written after version 2, with the clock set back
    await outbox.add(
      testRecord(30, { kind: 'practitioner', chartId: null, action: 'publish', seq: null, createdAt: at(4) }),
    );
    await outbox.add(version(22, 2, 4, at(3))); // same millisecond as version 2: seq decides
    expect(outbox.all().map((r) => r.tx.id)).toEqual([id(21), id(20), id(22), id(30), id(10)]);
    expect(outbox.forChart(id(2)).map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(outbox.forChart(id(1)).map((r) => r.seq)).toEqual([1]);
    expect(outbox.forChart(id(99))).toEqual([]);
    const reopened = await openOutbox(outbox.dir);
    expect(reopened.all().map((r) => r.tx.id)).toEqual(outbox.all().map((r) => r.tx.id));
    expect(reopened.forChart(id(2)).map((r) => r.seq)).toEqual([2, 3, 4]);
  });

  it('answers from memory without sorting: the same list until something changes, and a list handed out stays as it was', async () => {
    const outbox = await openOutbox(dir());
    for (let n = 0; n < 5; n += 1) await outbox.add(version(n, 1, n + 1, at(n)));
    const all = outbox.all();
    const chart = outbox.forChart(id(1));
    expect(outbox.all()).toBe(all);
    expect(outbox.forChart(id(1))).toBe(chart);
    await outbox.remove(id(0));
    await outbox.update(id(3), { attempts: 2 });
    await outbox.add(version(9, 1, 9, at(9)));
    expect(all.map((r) => r.tx.id)).toEqual([0, 1, 2, 3, 4].map(id));
    expect(chart.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(outbox.all().map((r) => [r.seq, r.attempts])).toEqual([
      [2, 0],
      [3, 0],
      [4, 2],
      [5, 0],
      [9, 0],
    ]);
    expect(outbox.forChart(id(1)).map((r) => r.seq)).toEqual([2, 3, 4, 5, 9]);
  });

  it('keeps both orders right through many adds, updates and removals in any order', async () => {
    const outbox = await openOutbox(dir());
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const live = new Set<number>();
    const writes: Promise<unknown>[] = [];
    for (let step = 0; step < 600; step += 1) {
      const n = random(200);
      const action = random(3);
      if (action === 0 && !live.has(n)) {
        live.add(n);
        writes.push(outbox.add(version(n, n % 7, n, at(random(50)))));
      } else if (action === 1) {
        writes.push(outbox.update(id(n), { attempts: step }));
      } else if (live.has(n) && outbox.get(id(n))) {
        live.delete(n);
        writes.push(outbox.remove(id(n)));
      }
      if (step % 50 === 0) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    const byAge = (a: { createdAt: string; seq: number | null; tx: { id: string } }, b: typeof a) =>
      a.createdAt.localeCompare(b.createdAt) || (a.seq ?? 0) - (b.seq ?? 0) || a.tx.id.localeCompare(b.tx.id);
    const expected = [...outbox.all()].sort(byAge);
    expect(outbox.all().map((r) => r.tx.id)).toEqual(expected.map((r) => r.tx.id));
    expect(
      outbox
        .all()
        .map((r) => r.tx.id)
        .sort(),
    ).toEqual([...live].map(id).sort());
    for (let chart = 0; chart < 7; chart += 1) {
      const seqs = outbox.forChart(id(chart)).map((r) => r.seq!);
      expect(seqs).toEqual([...live].filter((n) => n % 7 === chart).sort((a, b) => a - b));
    }
    const reopened = await openOutbox(outbox.dir);
    expect(reopened.all()).toEqual(outbox.all());
  });
});

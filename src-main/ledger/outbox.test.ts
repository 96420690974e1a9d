import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transaction } from '../../src-shared/ledger';
import { Outbox } from './outbox';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hc-outbox-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tx = (n: number) => ({ id: n.toString(16).padStart(64, '0'), metadata: { box: 'sealed' } }) as unknown as Transaction;
const record = (n: number, seq: number, createdAt: string) => ({ tx: tx(n), kind: 'chart' as const, chartId: 'c'.repeat(64), action: 'update' as const, seq, author: 'A', createdAt });

describe('Outbox (on disk)', () => {
  it('keeps each record in its own file and finds them again after a restart, oldest first', async () => {
    const d = dir();
    const outbox = await Outbox.open(d);
    await outbox.add(record(2, 3, '2026-11-25T05:00:01.000Z'));
    await outbox.add(record(1, 2, '2026-11-25T05:00:00.000Z'));
    await outbox.update(tx(2).id, { attempts: 4, lastError: 'No ledger node answered', nextAttemptAt: '2026-11-25T05:01:00.000Z' });
    expect(readdirSync(d).sort()).toEqual([`${tx(1).id}.json`, `${tx(2).id}.json`]);
    const reopened = await Outbox.open(d);
    expect(reopened.items().map((i) => [i.seq, i.attempts, i.lastError, i.state])).toEqual([[2, 0, null, 'pending'], [3, 4, 'No ledger node answered', 'pending']]);
    expect(JSON.parse(readFileSync(join(d, `${tx(2).id}.json`), 'utf8')).tx).toEqual(tx(2));
  });

  it('removes a record only when told (commit), and a restart does not bring it back', async () => {
    const d = dir();
    const outbox = await Outbox.open(d);
    await outbox.add(record(1, 2, '2026-11-25T05:00:00.000Z'));
    await outbox.remove(tx(1).id);
    expect(readdirSync(d)).toEqual([]);
    expect((await Outbox.open(d)).items()).toEqual([]);
  });

  it('drops a half-written temp file from a crash and keeps, but does not load, a file it cannot read', async () => {
    const d = dir();
    const outbox = await Outbox.open(d);
    await outbox.add(record(1, 2, '2026-11-25T05:00:00.000Z'));
    writeFileSync(join(d, `${tx(1).id}.json.123.456.tmp`), '{"version":1,"tx":{"id":"');
    writeFileSync(join(d, `${tx(9).id}.json`), 'not json');
    const reopened = await Outbox.open(d);
    expect(reopened.items().map((i) => i.txId)).toEqual([tx(1).id]);
    expect(readdirSync(d).sort()).toEqual([`${tx(1).id}.json`, `${tx(9).id}.json`]);
  });

  it('writes records readable only by the user', async () => {
    const d = dir();
    const outbox = await Outbox.open(d);
    await outbox.add(record(1, 2, '2026-11-25T05:00:00.000Z'));
    expect(statSync(join(d, `${tx(1).id}.json`)).mode & 0o777).toBe(0o600);
  });

  it('concurrent adds share directory fsyncs, and every one of them is on disk when its add resolves', async () => {
    const d = dir();
    const outbox = await Outbox.open(d);
    const before = outbox.dirSyncs;
    await Promise.all(Array.from({ length: 40 }, async (_, i) => {
      await outbox.add(record(i + 1, i + 2, `2026-11-25T05:00:${String(i).padStart(2, '0')}.000Z`));
      expect(readdirSync(d)).toContain(`${tx(i + 1).id}.json`);
    }));
    expect(outbox.dirSyncs - before).toBeGreaterThan(0);
    expect(outbox.dirSyncs - before).toBeLessThan(40);
    expect((await Outbox.open(d)).items()).toHaveLength(40);
    await outbox.add(record(99, 2, '2026-11-25T06:00:00.000Z')); // alone again: its own fsync
    expect(readdirSync(d)).toContain(`${tx(99).id}.json`);
  });
});

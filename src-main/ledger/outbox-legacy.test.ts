// Migration from the one-file-per-record outbox. outbox-legacy.fixture.json is a directory as that code wrote it
// (commit 5036608, real signed transactions): a practitioner entry and two versions of chart A pending (one retried
// three times), and a version of chart B that the node rejected.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox, type OutboxRecord } from './outbox';
import fixture from './outbox-legacy.fixture.json';

const dirs: string[] = [];
const opened: Outbox[] = [];
afterEach(async () => {
  for (const outbox of opened.splice(0)) await outbox.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const openOutbox = async (d: string) => {
  const outbox = await Outbox.open(d);
  opened.push(outbox);
  return outbox;
};

const files = fixture.files as Record<string, string>;
const written = Object.values(files).map((text) => JSON.parse(text) as OutboxRecord);
const byTx = new Map(written.map((r) => [r.tx.id, r]));

/** A directory as the per-file outbox left it (it created it 0700 and its files 0600 only on a fresh install). */
function legacyDir(extra: Record<string, string> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'hc-outbox-legacy-'));
  dirs.push(d);
  chmodSync(d, 0o755);
  for (const [name, text] of Object.entries({ ...files, ...extra }))
    writeFileSync(join(d, name), text, { mode: 0o600 });
  return d;
}

describe('Outbox migration from one file per record', () => {
  it('opens an old directory with every pending and rejected record intact, then removes the old files', async () => {
    const interrupted = `${written[0]!.tx.id}.json.4242.1764572000000.tmp`;
    const d = legacyDir({ [interrupted]: '{"version":1,"tx":{"id":"' });
    const outbox = await openOutbox(d);
    expect(outbox.all()).toHaveLength(4);
    for (const record of outbox.all()) expect(record).toEqual(byTx.get(record.tx.id));
    expect(outbox.all().map((r) => [r.kind, r.action, r.seq, r.state, r.attempts])).toEqual([
      ['chart', 'share', 2, 'rejected', 1],
      ['practitioner', 'publish', null, 'pending', 0],
      ['chart', 'update', 2, 'pending', 3],
      ['chart', 'update', 3, 'pending', 0],
    ]);
    const rejected = outbox.all()[0]!;
    expect(rejected.lastError).toBe(
      `Invalid transaction (DoubleSpend): input \`${rejected.tx.inputs[0]!.fulfills!.transaction_id}\` was already spent`,
    );
    const chartA = outbox.all()[2]!.chartId!;
    expect(outbox.forChart(chartA).map((r) => r.seq)).toEqual([2, 3]);
    expect(readdirSync(d).sort()).toEqual(['data.mdb', 'lock.mdb']);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(outbox.unreadable).toEqual([]);

    // From now on the records come from the store.
    const reopened = await openOutbox(d);
    expect(reopened.all()).toEqual(outbox.all());
  });

  it('leaves a file it cannot read where it is, reports it, and migrates the rest', async () => {
    const broken = `${'9'.repeat(64)}.json`;
    const otherFormat = `${'8'.repeat(64)}.json`;
    const wrongName = `${'7'.repeat(64)}.json`;
    const d = legacyDir({
      [broken]: 'not json',
      [otherFormat]: JSON.stringify({ ...written[0], version: 2, tx: { ...written[0]!.tx, id: '8'.repeat(64) } }),
      [wrongName]: files[`${written[0]!.tx.id}.json`]!,
    });
    const outbox = await openOutbox(d);
    expect(outbox.all()).toHaveLength(4);
    expect([...outbox.unreadable].sort()).toEqual([broken, otherFormat, wrongName].sort());
    expect(readdirSync(d).sort()).toEqual(['data.mdb', 'lock.mdb', broken, otherFormat, wrongName].sort());
  });

  it('after a crash between the store and the file removal, keeps the store copy and lists nothing twice', async () => {
    const d = legacyDir();
    const first = await openOutbox(d);
    const [rejected, , retried] = first.all();
    // The app went on after the migration and recorded a retry…
    await first.update(retried!.tx.id, { attempts: 9, lastError: 'timeout' });
    await first.close();
    // …and the old files are back, as if the crash had come before they were removed.
    for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text, { mode: 0o600 });
    const second = await openOutbox(d);
    expect(second.all()).toHaveLength(4);
    expect(second.get(retried!.tx.id)).toMatchObject({ attempts: 9, lastError: 'timeout' });
    expect(second.get(rejected!.tx.id)).toEqual(byTx.get(rejected!.tx.id));
    expect(readdirSync(d).sort()).toEqual(['data.mdb', 'lock.mdb']);
  });

  it('the old format is the record as JSON, one file named by its transaction id (what the crash test writes)', () => {
    for (const [name, text] of Object.entries(files)) {
      const record = JSON.parse(text) as OutboxRecord;
      expect(name).toBe(`${record.tx.id}.json`);
      expect(JSON.stringify(record)).toBe(text);
    }
  });
});

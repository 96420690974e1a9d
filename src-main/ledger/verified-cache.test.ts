// The verified cache on a real lmdb directory: it gives back exactly what an identity stored, to that identity
// only, and treats anything altered on disk as absent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import type { Transaction } from '../../src-shared/ledger';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { payloadOf } from '../../src-shared/records/payload';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto as crypto } from '../crypto/ledger-crypto';
import { buildCreate, buildVersion } from '../records/version-builder';
import { V3Counters } from '../records/v3-counters';
import { VerifiedCache } from './verified-cache';

const dirs: string[] = [];
const caches: VerifiedCache[] = [];
afterEach(async () => {
  for (const cache of caches.splice(0)) await cache.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openCache(dir = mkdtempSync(join(tmpdir(), 'hc-verified-'))): { cache: VerifiedCache; dir: string } {
  if (!dirs.includes(dir)) dirs.push(dir);
  const cache = VerifiedCache.open(dir);
  caches.push(cache);
  return { cache, dir };
}

const doctor = () => new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);

async function chain(holder: SeedKeyHolder, length: number): Promise<Transaction[]> {
  const payload = payloadOf(sampleChart(), null, { signKey: holder.signKey, boxKey: holder.boxKey, name: '' }, []);
  const txs = [(await buildCreate(holder, payload, crypto)).tx];
  for (let seq = 2; seq <= length; seq++)
    txs.push((await buildVersion(holder, txs.at(-1)!, txs[0]!.id, 'update', seq, payload, crypto)).tx);
  return txs;
}

/** lmdb writes in the background: a reopened cache sees them once they are flushed. */
async function reopen(cache: VerifiedCache, dir: string): Promise<VerifiedCache> {
  await cache.close();
  caches.splice(caches.indexOf(cache), 1);
  return openCache(dir).cache;
}

describe('VerifiedCache', () => {
  it('gives back the stored chain, oldest first, after a restart, and knows exactly those transactions', async () => {
    const a = doctor();
    const txs = await chain(a, 3);
    const opened = openCache();
    opened.cache.for(a).remember(txs[0]!.id, txs);
    const cache = await reopen(opened.cache, opened.dir);
    const mine = cache.for(a);
    expect(mine.chain(txs[0]!.id)?.txs).toEqual(txs);
    expect(txs.every((tx) => mine.knows(JSON.parse(JSON.stringify(tx)) as unknown))).toBe(true);
    // Same id, other content: not known (a node that alters a transaction gets it fully validated again).
    const altered = { ...txs[1]!, metadata: { ...(txs[1]!.metadata as object), at: '2020-01-01T00:00:00.000Z' } };
    expect(mine.knows(altered)).toBe(false);
    expect(mine.chain('f'.repeat(64))).toBeNull();
  });

  it('is per identity: another doctor on the same workstation neither sees nor can use it', async () => {
    const [a, b] = [doctor(), doctor()];
    const txs = await chain(a, 2);
    const { cache } = openCache();
    cache.for(a).remember(txs[0]!.id, txs);
    await cache.idle();
    expect(cache.for(b).chain(txs[0]!.id)).toBeNull();
    expect(cache.for(b).knows(txs[0])).toBe(false);
  });

  it('drops an entry altered on disk (its MAC fails), and an entry moved to stand for another chart', async () => {
    const a = doctor();
    const [one, two] = [await chain(a, 2), await chain(a, 1)];
    const { cache: first, dir } = openCache();
    first.for(a).remember(one[0]!.id, one);
    first.for(a).remember(two[0]!.id, two);
    await first.close();
    caches.splice(caches.indexOf(first), 1);

    // Someone with access to the files, but not to the doctor's seed, edits them directly.
    const raw = open({ path: dir, maxDbs: 2 });
    const db = raw.openDB<Buffer, string>('verified-v1', { encoding: 'binary' });
    const txKey = `${a.signKey}/t/${one[1]!.id}`;
    const value = Buffer.from(db.get(txKey)!);
    value[value.length - 5]! ^= 1;
    await db.put(txKey, value);
    await db.put(`${a.signKey}/c/${two[0]!.id}`, db.get(`${a.signKey}/c/${one[0]!.id}`)!);
    await raw.close();

    const mine = openCache(dir).cache.for(a);
    expect(mine.knows(one[1])).toBe(false);
    expect(mine.chain(one[0]!.id)).toBeNull(); // one of its transactions fails: the chain is fetched again
    expect(mine.chain(two[0]!.id)).toBeNull(); // an index copied from another chart fails its MAC
    expect(mine.knows(one[0])).toBe(true); // untouched entries still count
  });

  it('forget() removes one identity’s entries and leaves the others', async () => {
    const [a, b] = [doctor(), doctor()];
    const [ta, tb] = [await chain(a, 1), await chain(b, 1)];
    const { cache } = openCache();
    cache.for(a).remember(ta[0]!.id, ta);
    cache.for(b).remember(tb[0]!.id, tb);
    await cache.idle();
    await cache.forget(a.signKey);
    expect(cache.for(a).chain(ta[0]!.id)).toBeNull();
    expect(cache.for(b).chain(tb[0]!.id)?.txs).toEqual(tb);
  });

  it('refuses to work for a locked identity (its MAC key is gone)', async () => {
    const a = doctor();
    const txs = await chain(a, 1);
    const { cache } = openCache();
    const mine = cache.for(a);
    mine.remember(txs[0]!.id, txs);
    await cache.idle();
    expect(mine.chain(txs[0]!.id)?.txs).toEqual(txs);
    a.lock();
    expect(() => mine.chain(txs[0]!.id)).toThrow(/locked/i);
  });

  it('writes in the background; an identity that locks before its entries are written just leaves them out', async () => {
    const a = doctor();
    const txs = await chain(a, 2);
    const { cache } = openCache();
    const mine = cache.for(a);
    mine.remember(txs[0]!.id, txs);
    a.lock(); // before the queued write ran: its MAC key is gone
    await cache.idle();
    expect(mine.chartIds()).toEqual([]); // nothing half-written under its name either
  });

  it('keeps envelope v3 counters per identity across a restart, and drops them if altered on disk', async () => {
    const { cache, dir } = openCache();
    const ada = doctor();
    const counters = V3Counters.of(cache.for(ada));
    expect([counters.takeList(ada.boxKey), counters.takeList(ada.boxKey), counters.takeIntro(ada.boxKey, 'R')]).toEqual(
      [0, 1, 0],
    );
    await cache.idle();
    const again = await reopen(cache, dir);
    const restored = V3Counters.of(again.for(ada));
    expect([restored.takeList(ada.boxKey), restored.takeIntro(ada.boxKey, 'R')]).toEqual([2, 1]);
    expect(V3Counters.of(again.for(doctor())).takeList(ada.boxKey)).toBe(0);
    await again.idle();
    await again.close();
    caches.splice(caches.indexOf(again), 1);
    const raw = open({ path: dir, maxDbs: 2 });
    const db = raw.openDB<Buffer, string>('verified-v1', { encoding: 'binary' });
    const key = `${ada.signKey}/k/v3-counters`;
    const value = Buffer.from(db.get(key)!);
    value[value.length - 3]! ^= 1;
    await db.put(key, value);
    await raw.close();
    const { cache: third } = openCache(dir);
    expect(V3Counters.of(third.for(ada)).takeList(ada.boxKey)).toBe(0);
  });
});

// The unlinkable-ledger benchmark used to append its catch-up (catchup.jsonl) to each run's copy of the base store
// after the kiosk; at the full ledger that append's index merges took over 19 min per run. It now builds the grown
// store once into the cache (cachedCatchUpStore) and each run switches its node to a copy of it. This proves the
// switch changes nothing a workstation can see, on a small real cached ledger: the cached catch-up store, copied as a
// run copies it, holds exactly what the old in-run append (a copy of base/ + applyCatchUp) holds — every block,
// transaction, position, spend and owner's output, and every search term's postings of every transaction, and the
// same answers over the real node's HTTP API — while the base store differs from it (so the comparison can fail).
// A finished store is reused (its marker), one without its marker is built again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateToken } from '../../../src-main/ledger-node/http/access';
import { startLedgerNode } from '../../../src-main/ledger-node/node';
import { indexDocument } from '../../../src-main/ledger-node/search/text-search';
import { indexTerm, searchDocumentOf } from '../../../src-main/ledger-node/store/block-postings';
import { LedgerStore } from '../../../src-main/ledger-node/store/ledger-store';
import { outputOwners, type TxShape } from '../../../src-main/ledger-node/store/tx-shape';
import {
  applyCatchUp,
  cacheDirOf,
  cachedCatchUpStore,
  cachedLedger,
  type World,
} from '../../bench/unlinkable-ledger/ledger-cache';
import { removeDir, tempDir } from '../charts/harness';

/** Everything the node serves from a store, as [what, value] pairs in a fixed order. */
function served(store: LedgerStore): Map<string, string> {
  const out = new Map<string, string>();
  const put = (what: string, value: unknown) => out.set(what, JSON.stringify(value ?? null));
  put('height', store.latestHeight);
  const terms = new Set<string>();
  let seq = 0;
  for (let height = 0; height <= store.latestHeight; height++) {
    const ids = store.blockIds(height) ?? [];
    put(`block ${height}`, ids);
    for (const id of ids) {
      seq += 1;
      put(`seq ${seq}`, store.idAt(seq));
      put(`tx ${id}`, store.getJson(id));
      put(`height of ${id}`, store.heightOf(id));
      const tx = store.getTx(id)!;
      tx.outputs.forEach((output, index) => {
        put(`spent ${id}:${index}`, store.spentBy(id, index));
        for (const owner of outputOwners(output)) put(`outputs of ${owner}`, store.outputsOf(owner));
      });
      for (const kind of ['assets', 'metadata'] as const) {
        if (kind === 'assets' && tx.operation !== 'CREATE') continue;
        for (const term of indexDocument(searchDocumentOf(kind, tx as TxShape)).keys())
          terms.add(`${kind}\t${indexTerm(term)}`);
      }
    }
  }
  for (const entry of terms) {
    const [kind, term] = entry.split('\t') as ['assets' | 'metadata', string];
    put(`${kind} postings of ${term}`, store.termPostings(kind, term));
  }
  return out;
}

function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const diffs: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) if (a.get(key) !== b.get(key)) diffs.push(key);
  return diffs;
}

async function withStore<T>(dir: string, fn: (store: LedgerStore) => T): Promise<T> {
  const store = LedgerStore.open(dir);
  try {
    return fn(store);
  } finally {
    await store.close();
  }
}

describe('the unlinkable-ledger benchmark’s cached catch-up store', { timeout: 180_000 }, () => {
  const root = tempDir('catchup-store');
  const options = { own: 12, foreign: 40, doctors: 3, catchup: 300, changedEvery: 3 };
  const cacheDir = cacheDirOf(root, options);
  let world: World;
  let cachedStore: string;

  beforeAll(async () => {
    world = await cachedLedger(cacheDir, options);
    cachedStore = await cachedCatchUpStore(cacheDir, world);
  });
  afterAll(() => removeDir(root));

  it('serves what the in-run append served: every transaction, block, spend and search posting', async () => {
    // The old path: the run's copy of base/ with the catch-up appended to it.
    const appended = join(root, 'appended');
    cpSync(join(cacheDir, 'base'), appended, { recursive: true });
    expect(await applyCatchUp(cacheDir, appended)).toBe(world.transactions.catchup);
    // The new path: the run's copy of the cached catch-up store.
    const switched = join(root, 'switched');
    cpSync(cachedStore, switched, { recursive: true });

    const old = await withStore(appended, served);
    const now = await withStore(switched, served);
    const base = await withStore(join(cacheDir, 'base'), served);
    expect(old.size).toBeGreaterThan(base.size);
    expect(JSON.parse(old.get('height')!)).toBeGreaterThan(JSON.parse(base.get('height')!));
    expect(differences(old, now)).toEqual([]);
    // The comparison sees a store without the catch-up.
    expect(differences(base, now).length).toBeGreaterThan(world.transactions.catchup);

    // And over the real node's HTTP API: the catch-up's transactions and their tags' searches answer alike.
    const lines = readFileSync(join(cacheDir, 'catchup.jsonl'), 'utf8').split('\n').filter(Boolean);
    const sample = lines
      .filter((_, i) => i % 15 === 0)
      .map((line) => JSON.parse(line.slice(2)) as { id: string; metadata: unknown });
    const answers = async (dir: string) => {
      const token = generateToken();
      const node = await startLedgerNode({ port: 0, dataDir: dir, access: { kind: 'token', token } });
      const get = async (path: string) => {
        const res = await fetch(`${node.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        return `${res.status} ${await res.text()}`;
      };
      try {
        const out: string[] = [];
        for (const tx of sample) {
          out.push(await get(`/api/v1/transactions/${tx.id}`));
          const tag = JSON.stringify(tx.metadata).match(/[A-Za-z0-9_-]{20,}/)?.[0];
          expect(tag).toBeDefined();
          out.push(await get(`/api/v1/metadata?search=${encodeURIComponent(tag!)}`));
        }
        return out;
      } finally {
        await node.stop();
      }
    };
    const overHttp = await answers(appended);
    expect(overHttp.every((a) => a.startsWith('200 '))).toBe(true);
    expect(await answers(switched)).toEqual(overHttp);
  });

  it('is built once: reused while its marker stands, built again without it', async () => {
    const data = join(cachedStore, 'data.mdb');
    const built = statSync(data).mtimeMs;
    expect(await cachedCatchUpStore(cacheDir, world)).toBe(cachedStore);
    expect(statSync(data).mtimeMs).toBe(built);

    rmSync(join(cacheDir, 'catchup-store.json'));
    expect(await cachedCatchUpStore(cacheDir, world)).toBe(cachedStore);
    expect(statSync(data).mtimeMs).toBeGreaterThan(built);
    expect(existsSync(join(cacheDir, 'catchup-store.json'))).toBe(true);
    expect(existsSync(join(cacheDir, 'catchup-store.partial'))).toBe(false);
  });
});

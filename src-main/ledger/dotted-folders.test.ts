// lmdb takes a path whose last name has a dot (`hc.ledger`, any `mktemp -d` folder) for a file unless told it is
// a folder: every lmdb store the app, the CLI and `npm run ledger` open must open such a folder as a folder.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerStore } from '../ledger-node/store/ledger-store';
import { Outbox } from './outbox';
import { VerifiedCache } from './verified-cache';

describe('lmdb stores in a folder whose name has a dot', () => {
  const dirs: string[] = [];
  const dotted = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hc.ledger-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('the ledger store, the verified cache and the outbox keep their files inside it', async () => {
    const store = LedgerStore.open(dotted());
    await store.close();
    const cacheDir = join(dotted(), 'verified.cache');
    const cache = VerifiedCache.open(cacheDir);
    await cache.close();
    const outbox = await Outbox.open(join(dotted(), 'out.box'));
    await outbox.close();
    for (const dir of [dirs[0]!, cacheDir, join(dirs[2]!, 'out.box')]) {
      expect(statSync(dir).isDirectory()).toBe(true);
      expect(existsSync(join(dir, 'data.mdb'))).toBe(true);
    }
  });
});

// Issue #14: the node's folder and files are the user's alone (0700 / 0600), also when an older version made them
// with the usual 0755 / 0644.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerStore } from './ledger-store';

const mode = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('ledger store file modes', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-modes-'));
    dirs.push(dir);
    chmodSync(dir, 0o755);
    return dir;
  };

  it('creates the data folder 0700 and its files 0600', async () => {
    const data = join(scratch(), 'HealthChain', 'ledger');
    const store = LedgerStore.open(data);
    await store.close();
    expect(mode(data).toString(8)).toBe('700');
    const files = readdirSync(data);
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) expect([name, mode(join(data, name)).toString(8)]).toEqual([name, '600']);
  });

  it('narrows a folder and files that an older version left readable by others', async () => {
    const data = join(scratch(), 'ledger');
    await LedgerStore.open(data).close();
    chmodSync(data, 0o755);
    for (const name of readdirSync(data)) chmodSync(join(data, name), 0o644);
    await LedgerStore.open(data).close();
    expect(mode(data).toString(8)).toBe('700');
    for (const name of readdirSync(data)) expect([name, mode(join(data, name)).toString(8)]).toEqual([name, '600']);
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from '../../../src-shared/crypto/bytes';
import { SeedKeyHolder } from '../../crypto/seed-key-holder';
import { emptyState, loadState, saveState, type DiscoveryState } from './discovery-state';

const writer = '9hSR6S7WPtxmTojgo6GGbWZ5kSUbqxtRM3wmczW8vPjQ';

describe('discovery state on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'discovery-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const state = (): DiscoveryState => ({
    listNext: 111,
    listGaps: [57],
    pairs: new Map([[writer, { next: 3, gaps: [1] }]]),
  });

  it('reads back what this identity saved; the file names no pair and no identity', async () => {
    const holder = new SeedKeyHolder(randomBytes(32));
    await saveState(dir, holder, state());
    expect(await loadState(dir, holder)).toEqual(state());
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^discovery-[0-9a-f]{32}\.sealed$/);
    const text = readFileSync(join(dir, file!), 'utf8');
    // The counter is looked for as the JSON it would be in clear: a bare '111' turns up by chance in the file's random
    // hex name (~1.5 % of runs) or base64 text.
    for (const clear of [writer, holder.signKey, holder.boxKey, 'listNext', 'listGaps', '"listNext":111']) {
      expect(file).not.toContain(clear);
      expect(text).not.toContain(clear);
    }
  });

  it('another identity, a damaged file or no file is a cold start, never an error', async () => {
    const holder = new SeedKeyHolder(randomBytes(32));
    expect(await loadState(dir, holder)).toEqual(emptyState());
    await saveState(dir, holder, state());
    expect(await loadState(dir, new SeedKeyHolder(randomBytes(32)))).toEqual(emptyState());
    const file = join(dir, readdirSync(dir)[0]!);
    const sealed = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    sealed[40]! ^= 1;
    writeFileSync(file, sealed.toString('base64'));
    expect(await loadState(dir, holder)).toEqual(emptyState());
    writeFileSync(file, 'not base64 at all!');
    expect(await loadState(dir, holder)).toEqual(emptyState());
  });
});

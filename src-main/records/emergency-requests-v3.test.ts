// The desk's kept v3 requests (emergency-requests-v3.ts) on a real folder: read back by the same identity only,
// sealed (no id, chart or reason in clear), and an altered or damaged file refused with its reason.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newSeed } from '../../src-shared/crypto/keys';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { loadRequestsV3, requestsFileOf, saveRequestsV3, type KeptRequestV3 } from './emergency-requests-v3';

const doctor = new SeedKeyHolder(newSeed());
const other = new SeedKeyHolder(newSeed());
const kept: KeptRequestV3[] = [
  {
    id: 'a'.repeat(64),
    requester: doctor.signKey,
    chart: 'c'.repeat(64),
    reason: 'unconscious',
    at: '2026-12-05T04:00:00.000Z',
  },
];

describe('kept v3 emergency requests', () => {
  it('reads back what it kept, sealed, for the same identity only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hc-kept-v3-'));
    expect(await loadRequestsV3(dir, doctor)).toEqual({ requests: [], problem: null });
    await saveRequestsV3(dir, doctor, kept);
    const text = await readFile(requestsFileOf(dir, doctor), 'utf8');
    for (const clear of ['a'.repeat(64), 'c'.repeat(64), doctor.signKey, 'unconscious'])
      expect(text).not.toContain(clear);
    expect(await loadRequestsV3(dir, doctor)).toEqual({ requests: kept, problem: null });
    expect(requestsFileOf(dir, other)).not.toBe(requestsFileOf(dir, doctor));
    expect(await loadRequestsV3(dir, other)).toEqual({ requests: [], problem: null });
  });

  it('refuses an altered or truncated file with its reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hc-kept-v3-'));
    await saveRequestsV3(dir, doctor, kept);
    const file = requestsFileOf(dir, doctor);
    const bytes = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    bytes[30]! ^= 0x40;
    await writeFile(file, bytes.toString('base64'));
    expect(await loadRequestsV3(dir, doctor)).toEqual({
      requests: [],
      problem: "the emergency request state does not open with this identity's key: it was altered or damaged",
    });
    await writeFile(file, 'AAAA');
    expect((await loadRequestsV3(dir, doctor)).problem).toMatch(/altered or damaged/);
  });
});

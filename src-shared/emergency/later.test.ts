// Later-version grants as anyone may post them: only the emergency key's, naming this grant and made before its end,
// reach the requester (findLaterVersions over a node's answers; here the answers are given directly).
import { describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../crypto/keys';
import { toBase64 } from '../crypto/bytes';
import { signTransaction, type Transaction } from '../ledger';
import { signerFor } from '../crypto/keyholder';
import { findLaterVersions, makeLaterGrant, type LaterGrantLedger } from './index';

const holder = () => new SeedKeyHolder(newSeed());
const [service, mallory, doctor] = [holder(), holder(), holder()];
const GRANT = 'c'.repeat(64);
const base = {
  request: 'a'.repeat(64),
  grant: GRANT,
  chart: 'b'.repeat(64),
  requester: doctor.signKey,
  wrap: new Uint8Array(48).fill(7),
  expiresAt: '2026-12-05T17:00:00.000Z',
  at: '2026-12-04T18:00:00.000Z',
};

async function later(by: SeedKeyHolder, version: string, changes: Partial<typeof base> = {}): Promise<Transaction> {
  return signTransaction(makeLaterGrant(by.signKey, { ...base, version, ...changes }), signerFor(by));
}

/** A node answering the grant's asset search with `txs` (in that order) and each one by id. */
function nodeWith(txs: Transaction[]): LaterGrantLedger {
  return {
    searchAssets: async () => ({ value: txs.map((t) => ({ id: t.id, data: (t.asset as { data: unknown }).data })) }),
    getTransaction: async (id) => ({ value: txs.find((t) => t.id === id) ?? null }),
  };
}

describe('later-version grants read from a node', () => {
  it("keeps only the emergency key's, naming this grant, made before its end", async () => {
    const real = await later(service, 'd'.repeat(64));
    const forged = await later(mallory, 'e'.repeat(64)); // anyone can post a CREATE of this type, signed by themselves
    const otherGrant = await later(service, 'f'.repeat(64), { grant: '9'.repeat(64) });
    const afterEnd = await later(service, '8'.repeat(64), { at: '2026-12-06T00:00:00.000Z' });
    const found = await findLaterVersions(nodeWith([forged, otherGrant, afterEnd, real]), GRANT, service.signKey);
    expect(found.map((v) => v.version)).toEqual(['d'.repeat(64)]);
  });

  it("a forgery for a version the service also wrapped does not displace the service's wrap", async () => {
    const version = 'd'.repeat(64);
    const forged = await later(mallory, version, { wrap: new Uint8Array(48).fill(1) });
    const real = await later(service, version);
    const found = await findLaterVersions(nodeWith([forged, real]), GRANT, service.signKey);
    expect(found).toEqual([{ version, wrap: toBase64(base.wrap) }]);
  });
});

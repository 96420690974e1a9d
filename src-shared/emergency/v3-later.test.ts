// The v3 later-version documents (v3-later.ts) without a node: the tag each grant's later versions carry, what the
// requester and the emergency key open of one, and what a forged, re-signed or late one is refused as.
import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../crypto/keys';
import { signerFor } from '../crypto/keyholder';
import { signTransaction } from '../ledger';
import {
  findLaterV3,
  laterTagV3,
  makeLaterV3,
  openLaterServiceNoteV3,
  openLaterWrapV3,
  verifyLaterV3,
  type LaterV3Input,
} from './v3-later';

const holder = () => new SeedKeyHolder(newSeed());
const [doctor, service, mallory] = [holder(), holder(), holder()];
const GRANT = 'a1'.repeat(32);
const grantedKey = nacl.randomBytes(32);
const laterKey = nacl.randomBytes(32);
const now = Date.now();

const input = (over: Partial<LaterV3Input> = {}): LaterV3Input => ({
  serviceSignKey: service.signKey,
  serviceBoxKey: service.boxKey,
  requester: { signKey: doctor.signKey, boxKey: doctor.boxKey },
  grantTx: GRANT,
  grantedDataKey: grantedKey,
  j: 0,
  chart: 'c'.repeat(64),
  version: 'd'.repeat(64),
  dataKey: laterKey,
  expiresAt: new Date(now + 60_000).toISOString(),
  at: new Date(now).toISOString(),
  ...over,
});

const signed = (over: Partial<LaterV3Input> = {}, by = service) =>
  signTransaction(makeLaterV3({ ...input(over), serviceSignKey: by.signKey }), signerFor(by));

describe('v3 later versions', () => {
  it('tags differ by grant, index and data key, and are 32 hex characters', () => {
    const tag = laterTagV3(grantedKey, GRANT, 0);
    expect(tag).toMatch(/^[0-9a-f]{32}$/);
    expect(laterTagV3(grantedKey, GRANT, 0)).toBe(tag);
    expect(new Set([tag, laterTagV3(grantedKey, GRANT, 1), laterTagV3(laterKey, GRANT, 0)]).size).toBe(3);
    expect(laterTagV3(grantedKey, 'b2'.repeat(32), 0)).not.toBe(tag);
  });

  it('the requester opens the data key, the emergency key its note; nothing is in clear', async () => {
    const tx = await signed();
    const checked = verifyLaterV3(tx, service.signKey);
    if (!checked.ok) throw new Error(checked.reason);
    const text = JSON.stringify(tx);
    for (const secret of ['c'.repeat(64), 'd'.repeat(64), GRANT, doctor.signKey, doctor.boxKey])
      expect(text).not.toContain(secret);
    expect(tx.outputs[0]!.public_keys).not.toContain(service.signKey);
    const wrap = await openLaterWrapV3(checked.value.asset, GRANT, doctor);
    expect(wrap).toMatchObject({ chart: 'c'.repeat(64), version: 'd'.repeat(64), requester: doctor.signKey });
    expect([...wrap.dataKey]).toEqual([...laterKey]);
    expect(await openLaterServiceNoteV3(checked.value.asset, service)).toMatchObject({
      grant: GRANT,
      version: 'd'.repeat(64),
    });
    await expect(openLaterWrapV3(checked.value.asset, GRANT, mallory)).rejects.toThrow(/not sealed to this key/);
    await expect(openLaterWrapV3(checked.value.asset, 'b2'.repeat(32), doctor)).rejects.toThrow(/another grant/);
  });

  it('refuses one signed by another key, and none is made after the expiry', async () => {
    const forged = verifyLaterV3(await signed({}, mallory), service.signKey);
    expect(forged).toMatchObject({ ok: false, reason: 'the later version was not passed on by the emergency key' });
    expect(() => makeLaterV3(input({ at: new Date(now + 120_000).toISOString() }))).toThrow(/after the grant expired/);
  });

  it("finds a grant's later versions by tag until one finds nothing, skipping what is not one", async () => {
    const first = await signed();
    const second = await signed({ j: 1 });
    const forged = await signed({ j: 1 }, mallory);
    const byId = new Map([first, second, forged].map((t) => [t.id, t]));
    // An in-memory stand-in for a node's asset text search (the real node: test/integration/emergency/desk-v3-later.test.ts).
    const ledger = {
      searchAssets: async (text: string) => ({
        value: [...byId.values()]
          .filter((t) => JSON.stringify(t.asset).includes(text))
          .map((t) => ({ id: t.id, data: (t.asset as { data: unknown }).data })),
      }),
      getTransaction: async (id: string) => ({ value: byId.get(id) ?? null }),
    };
    const { found, next } = await findLaterV3(ledger, grantedKey, GRANT, service.signKey);
    expect(found.map((f) => f.j)).toEqual([0, 1]);
    expect(next).toBe(2);
  });
});

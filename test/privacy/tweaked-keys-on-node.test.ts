// Envelope v3's ledger mapping needs nothing of the node (docs/UNLINKABLE.md §2, §3, §5): per-version owner keys
// A + t·G, spent by signatures with a + t, in the #12 custody shape 1-of-[custodian, m-of-n officers], with a metadata
// of v3's fixed shape, are ordinary BigchainDB transactions. Posted to the real embedded node over HTTP (which
// validates as BigchainDB 2.2.2 does): a CREATE, a custody move by the custodian's branch and a move by two of three
// officers' tweaked keys are committed; a spend signed with the directory key itself is refused. The node's answers
// hold no directory key, and a rendezvous tag finds its version by the ordinary metadata search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { randomBytes, toBase58 } from '../../src-shared/crypto/bytes';
import {
  ed25519Details,
  makeCreateBy,
  makeTransfer,
  outputFromDetails,
  signTransaction,
  thresholdDetails,
  type JsonObject,
  type Signer,
  type Transaction,
} from '../../src-shared/ledger';
import { custodyDetails } from '../../src-shared/authority/custody';
import { ENVELOPE_V3_TYPE, SLOT_LENGTH } from '../../src-shared/unlinkable/layout';
import { toBase32 } from '../../src-shared/unlinkable/v3-fields';
import { ownerTweak, signTweaked, tweakPublicKey } from '../../src-shared/unlinkable/owner-keys';
import { introTag } from '../../src-shared/unlinkable/rendezvous';
import type { LedgerNode } from '../../src-main/ledger-node/node';
import { NODE_TOKEN, removeDir, startNode, tempDir } from '../integration/charts/harness';

interface Identity {
  seed: Uint8Array;
  signKey: string;
}
const identity = (): Identity => {
  const seed = randomBytes(32);
  return { seed, signKey: toBase58(ed25519.getPublicKey(seed)) };
};

/** Signs for whichever tweaked keys it was told about; the directory keys themselves are never used. */
class TweakedSigner {
  private readonly keys = new Map<string, { seed: Uint8Array; tweak: Uint8Array }>();
  key(who: Identity, tweak: Uint8Array): string {
    const key = toBase58(tweakPublicKey(ed25519.getPublicKey(who.seed), tweak));
    this.keys.set(key, { seed: who.seed, tweak });
    return key;
  }
  readonly sign: Signer = async (publicKey, message) => {
    const entry = this.keys.get(publicKey);
    if (!entry) throw new Error(`no tweak known for ${publicKey}`);
    return signTweaked(entry.seed, entry.tweak, message);
  };
}

/** v3's clear metadata at its fixed sizes (contents random here: what matters to the node is the shape). */
function v3Metadata(tags: string[]): JsonObject {
  const fill = Array.from({ length: 8 - tags.length }, () => bytesToHex(randomBytes(16)));
  return {
    type: ENVELOPE_V3_TYPE,
    tags: [...tags, ...fill],
    slots: toBase32(randomBytes(8 * SLOT_LENGTH)),
    nonce: toBase32(randomBytes(24)),
    box: toBase32(randomBytes(4096 + 16)),
  };
}

describe('envelope v3 owner keys on an unmodified BigchainDB node', { timeout: 60_000 }, () => {
  let node: LedgerNode;
  const dataDir = tempDir('node');
  const auth = { Authorization: `Bearer ${NODE_TOKEN}` };
  const [ada, ben] = [identity(), identity()];
  const officers = [identity(), identity(), identity()];
  const directoryKeys = [ada, ben, ...officers].map((i) => i.signKey);
  const signer = new TweakedSigner();
  const posted: Transaction[] = [];

  const post = async (tx: Transaction) => {
    const response = await fetch(`${node.url}/api/v1/transactions?mode=commit`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(tx),
    });
    return { status: response.status, body: (await response.json()) as { message?: string } };
  };
  const get = async (path: string) => (await fetch(`${node.url}${path}`, { headers: auth })).text();

  /** The version's output: 1-of-[custodian + t·G, 2-of-3 officers + tᵢ·G], every key tweaked for (secret, seq). */
  const outputFor = (custodian: Identity, secret: Uint8Array, seq: number) =>
    outputFromDetails(
      custodyDetails(
        signer.key(custodian, ownerTweak(secret, seq, 0)),
        thresholdDetails(
          2,
          officers.map((o, i) => signer.key(o, ownerTweak(secret, seq, 1 + i))),
        ),
      ),
    );

  const secrets = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const tag = introTag(randomBytes(32), 0);

  beforeAll(async () => {
    node = await startNode(dataDir);
  });

  afterAll(async () => {
    await node?.stop();
    removeDir(dataDir);
  });

  it('commits a CREATE signed and owned by tweaked keys, and the custodian’s and the quorum’s spends', async () => {
    const issuer = signer.key(ada, ownerTweak(secrets[0]!, 0));
    const create = await signTransaction(
      makeCreateBy(
        { type: 'hc.chart/1', chart: bytesToHex(randomBytes(16)) },
        v3Metadata([tag]),
        [outputFor(ada, secrets[0]!, 1)],
        ed25519Details(issuer),
      ),
      signer.sign,
    );
    expect(await post(create)).toMatchObject({ status: 202 });
    posted.push(create);

    // Custody to Ben by Ada's branch: she signs with a + t(secret₁, 1).
    const custody = await signTransaction(
      makeTransfer([{ tx: create, outputIndex: 0 }], [outputFor(ben, secrets[1]!, 2)], v3Metadata([])),
      signer.sign,
      { keys: [signer.key(ada, ownerTweak(secrets[0]!, 1, 0))] },
    );
    expect(await post(custody)).toMatchObject({ status: 202 });
    posted.push(custody);

    // A recovery: officers 1 and 3 sign with their tweaks of version 2.
    const recovery = await signTransaction(
      makeTransfer([{ tx: custody, outputIndex: 0 }], [outputFor(ada, secrets[2]!, 3)], v3Metadata([])),
      signer.sign,
      { keys: [0, 2].map((i) => signer.key(officers[i]!, ownerTweak(secrets[1]!, 2, 1 + i))) },
    );
    expect(await post(recovery)).toMatchObject({ status: 202 });
    posted.push(recovery);
  });

  it('refuses a spend signed with the directory key instead of the tweaked one', async () => {
    const head = posted.at(-1)!;
    const tweaked = signer.key(ada, ownerTweak(secrets[2]!, 3, 0));
    const wrong: Signer = async (_key, message) => ed25519.sign(message, ada.seed);
    const forged = await signTransaction(
      makeTransfer([{ tx: head, outputIndex: 0 }], [outputFor(ben, randomBytes(32), 4)], v3Metadata([])),
      wrong,
      { keys: [tweaked], checkSignatures: false },
    );
    const answer = await post(forged);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/InvalidSignature/);
  });

  it('shows no directory key in any answer about these versions; the tag finds its version by search', async () => {
    expect(posted).toHaveLength(3);
    const answers = [
      ...(await Promise.all(posted.map((tx) => get(`/api/v1/transactions/${tx.id}`)))),
      await get(`/api/v1/transactions?asset_id=${posted[0]!.id}`),
    ];
    for (const text of answers) for (const key of directoryKeys) expect(text).not.toContain(key);
    for (const key of directoryKeys) expect(JSON.parse(await get(`/api/v1/outputs?public_key=${key}`))).toEqual([]);
    const found = JSON.parse(await get(`/api/v1/metadata?search=${tag}`)) as { id: string }[];
    expect(found.map((f) => f.id)).toEqual([posted[0]!.id]);
    // Every version's clear metadata has the same length, whatever it did.
    const lengths = posted.map((tx) => JSON.stringify(tx.metadata).length);
    expect(new Set(lengths).size).toBe(1);
  });
});

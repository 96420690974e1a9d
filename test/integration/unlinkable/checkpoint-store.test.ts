// The list checkpoint's store (docs/UNLINKABLE.md §14) on the real embedded node over HTTP, doctors from the real vault
// on the real keychain (run in a D-Bus session with gnome-keyring): a generation written as chart-like v3 CREATEs is
// found and read back whole; an incomplete generation falls back to the one before; copied tags, forged boxes and
// copied metadata by another key are not read as the doctor's; and to an observer each chunk is a chart CREATE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { CustodyPolicy } from '../../../src-shared/authority/custody';
import { fromBase58, randomBytes } from '../../../src-shared/crypto/bytes';
import { newSeed } from '../../../src-shared/crypto/keys';
import { signerFor, type KeyHolder } from '../../../src-shared/crypto/keyholder';
import {
  ed25519Details,
  makeCreate,
  outputFromDetails,
  signTransaction,
  thresholdDetails,
  type JsonObject,
  type Transaction,
} from '../../../src-shared/ledger';
import { payloadOf } from '../../../src-shared/records/payload';
import { splitCheckpoint } from '../../../src-shared/unlinkable/checkpoint-chunks';
import { parseV3Metadata, sealV3 } from '../../../src-shared/unlinkable/envelope-v3';
import { metadataLayout } from '../../../src-shared/unlinkable/layout';
import { toBase32 } from '../../../src-shared/unlinkable/v3-fields';
import { PADDING_BUCKETS } from '../../../src-shared/unlinkable/padding';
import { checkpointTag, creatorSlotTag, listKey } from '../../../src-shared/unlinkable/rendezvous';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { CHART_ASSET_TYPE } from '../../../src-main/ledger/chain';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import {
  buildCheckpoint,
  findNewestCheckpoint,
  writeCheckpoint,
} from '../../../src-main/records/checkpoint/checkpoint-store';
import { V3Counters } from '../../../src-main/records/v3-counters';
import { buildCreateV3 } from '../../../src-main/records/version-builder-v3';
import { withRecovery } from '../../../src-main/records/version-builder';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, TestVault, removeDir, startNode, tempDir } from '../charts/harness';

const dataOf = (tx: Transaction) => (tx.asset as { data: Record<string, unknown> }).data;

/** A JSON value's shape: objects' keys, arrays' lengths, `type` fields and numbers kept; every other string a mark. */
function shape(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => shape(v));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k], k)]),
    );
  return typeof value === 'string' && key !== 'type' ? 'string' : value;
}

describe('the list checkpoint store', { timeout: 120_000 }, () => {
  const dataDir = tempDir('node');
  const vault = new TestVault();
  const crypto = nativeLedgerCrypto;
  const eve = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
  const officer = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
  const recovery = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
  const custody: CustodyPolicy = {
    authorityId: nodeRandomBytes(32).toString('hex'),
    quorum: thresholdDetails(1, [officer.signKey]),
    recoveryKey: recovery.boxKey,
    emergencyKey: null,
  };
  let node: LedgerNode;
  let client: LedgerNodeClient;

  const doctor = async (name: string) => (await vault.doctor(name, 'General practice')).holder;
  const post = async (tx: Transaction) => expect((await client.post(tx, 'commit')).value).toBe('committed');
  const tx = async (id: string) => (await client.getTransaction(id)).value as Transaction;
  /** What the doctor's own key derives: a test stands in for the strongest forger, one that guessed a slot's tag. */
  const listKeyOf = (holder: KeyHolder) => listKey(holder.pairKey!(holder.boxKey, holder.boxKey));
  /** Another key's CREATE with `tag` as its asset's chart and `metadata`, as anyone may post. */
  const forge = async (tag: string, metadata: unknown) => {
    const unsigned = makeCreate(
      { type: CHART_ASSET_TYPE, chart: tag },
      metadata as JsonObject,
      [outputFromDetails(ed25519Details(eve.signKey))],
      [eve.signKey],
    );
    const forged = await signTransaction(unsigned, signerFor(eve), { crypto });
    await post(forged);
    return forged;
  };

  beforeAll(async () => {
    node = await startNode(dataDir);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
  });

  afterAll(async () => {
    client?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it('round-trips a ~600 KiB payload in 4 CREATEs (3 chunks, rounded up) and a small one in 1', async () => {
    const ada = await doctor('Dr Ada Okafor');
    const big = randomBytes(600 * 1024);
    const written = await writeCheckpoint(client, ada, 0, big, { crypto, custody });
    expect(written.txIds).toHaveLength(4);
    const found = await findNewestCheckpoint(client, ada);
    expect(found.nextGeneration).toBe(1);
    expect(found.newest).not.toBeNull();
    expect(found.newest!.generation).toBe(0);
    expect(found.newest!.txIds).toEqual(written.txIds);
    expect(Buffer.from(found.newest!.payload).equals(Buffer.from(big))).toBe(true);
    expect(Date.now() - Date.parse(found.newest!.writtenAt)).toBeLessThan(60_000);

    const bo = await doctor('Dr Bo Lindqvist');
    const small = randomBytes(700);
    const at = new Date('2026-12-01T08:00:00.000Z');
    expect((await writeCheckpoint(client, bo, 0, small, { crypto, custody: null, at })).txIds).toHaveLength(1);
    const read = await findNewestCheckpoint(client, bo);
    expect(read.newest?.payload).toEqual(small);
    expect(read.newest?.writtenAt).toBe(at.toISOString());
  });

  it('reads the newest of three generations; the next to write is 3', async () => {
    const cy = await doctor('Dr Cy Moreau');
    const payloads = [randomBytes(100), randomBytes(200), randomBytes(5000)];
    const ids: string[][] = [];
    for (const [generation, payload] of payloads.entries())
      ids.push((await writeCheckpoint(client, cy, generation, payload, { crypto, chunkBytes: 1000 })).txIds);
    expect(ids.map((i) => i.length)).toEqual([1, 1, 8]);
    const found = await findNewestCheckpoint(client, cy);
    expect(found.nextGeneration).toBe(3);
    expect(found.newest?.generation).toBe(2);
    expect(found.newest?.payload).toEqual(payloads[2]);
    expect(found.newest?.txIds).toEqual(ids[2]);
  });

  it('falls back past an incomplete newest generation, and reads a rewrite past a write cut short', async () => {
    const di = await doctor('Dr Di Rossi');
    const first = randomBytes(300);
    await writeCheckpoint(client, di, 0, first, { crypto });
    // Generation 1: only its chunk 0 reached the node (the writer posts it last; a node may still lose the rest).
    const one = await buildCheckpoint(di, 1, randomBytes(350), { crypto, chunkBytes: 100 });
    expect(one).toHaveLength(4);
    await post(one[0]!);
    let found = await findNewestCheckpoint(client, di);
    expect(found.newest?.generation).toBe(0);
    expect(found.newest?.payload).toEqual(first);
    expect(found.nextGeneration).toBe(2);

    // Generation 2 cut short before its chunk 0: not found, so the writer writes generation 2 again, whose chunks
    // share tags with the leftovers (another write id).
    const cut = await buildCheckpoint(di, 2, randomBytes(350), { crypto, chunkBytes: 100 });
    for (const leftover of cut.slice(1)) await post(leftover);
    found = await findNewestCheckpoint(client, di);
    expect([found.newest?.generation, found.nextGeneration]).toEqual([0, 2]);
    const again = randomBytes(390);
    const rewritten = await writeCheckpoint(client, di, found.nextGeneration, again, { crypto, chunkBytes: 100 });
    found = await findNewestCheckpoint(client, di);
    expect(found.newest?.generation).toBe(2);
    expect(found.newest?.payload).toEqual(again);
    expect(found.newest?.txIds).toEqual(rewritten.txIds);
    expect(found.nextGeneration).toBe(3);
  });

  it('ignores another key’s CREATEs carrying the doctor’s chunk tag: a random box, a box sealed to the doctor, a copy', async () => {
    const el = await doctor('Dr El Haddad');
    const payload = randomBytes(2000);
    const [realId] = (await writeCheckpoint(client, el, 0, payload, { crypto })).txIds;
    const real = await tx(realId!);
    const list = listKeyOf(el);
    const tag = checkpointTag(list, 0, 0);
    expect(real.asset).toEqual({ data: { type: CHART_ASSET_TYPE, chart: tag } });

    // A random box Eve can open, under the copied tag.
    const random = splitCheckpoint(randomBytes(10), { generation: 0 })[0]!;
    await forge(tag, sealV3(random, [{ boxKey: eve.boxKey, slotTag: randomBytes(8) }], []));
    // A well-formed, newer chunk 0 of generation 0 sealed to the doctor's public box key under the slot tag the
    // doctor's slot carries: it would open as a sealed box, so only a keyed-slot-only reader refuses it.
    const forgedPayload = randomBytes(2000);
    const forgedChunk = splitCheckpoint(forgedPayload, { generation: 0, writtenAt: new Date(Date.now() + 60_000) })[0]!;
    const slotTag = creatorSlotTag(list, tag);
    await forge(tag, sealV3(forgedChunk, [{ boxKey: el.boxKey, slotTag }], []));
    // The real metadata copied whole: it opens to the very same chunk.
    const copy = await forge(tag, real.metadata);

    const found = await findNewestCheckpoint(client, el);
    expect(found.newest?.generation).toBe(0);
    expect(Buffer.from(found.newest!.payload).equals(Buffer.from(payload))).toBe(true);
    expect([realId, copy.id]).toContain(found.newest!.txIds[0]);
    expect(found.nextGeneration).toBe(1);
  });

  it('another doctor, or a holder without pair keys, finds nothing', async () => {
    const fay = await doctor('Dr Fay Nguyen');
    expect(await findNewestCheckpoint(client, fay)).toEqual({ newest: null, nextGeneration: 0 });
    const bare: KeyHolder = {
      signKey: eve.signKey,
      boxKey: eve.boxKey,
      sign: (m) => eve.sign(m),
      openSealed: (s) => eve.openSealed(s),
      localMac: (d) => eve.localMac(d),
    };
    expect(await findNewestCheckpoint(client, bare)).toEqual({ newest: null, nextGeneration: 0 });
  });

  it('shows the observer chart CREATEs: v3 metadata, a chart asset, a chart output under the custody, no directory key', async () => {
    const gus = await doctor('Dr Gus Adeyemi');
    const named = { signKey: gus.signKey, boxKey: gus.boxKey, name: 'Dr Gus Adeyemi' };
    const chart = (
      await buildCreateV3(gus, withRecovery(payloadOf(sampleChart('Iris Ivers'), null, named, []), custody), {
        crypto,
        counters: new V3Counters(),
        custody,
      })
    ).tx;
    await post(chart);
    const { txIds } = await writeCheckpoint(client, gus, 0, randomBytes(3000), { crypto, custody, chunkBytes: 1000 });
    expect(txIds).toHaveLength(4);
    const chunks = await Promise.all(txIds.map(tx));
    // The doctor's directory keys in every encoding the ledger's fields use.
    const directoryKeys = [gus.signKey, gus.boxKey].flatMap((k) => [
      k,
      Buffer.from(fromBase58(k)).toString('hex'),
      Buffer.from(fromBase58(k)).toString('base64'),
      toBase32(fromBase58(k)),
    ]);
    for (const chunk of chunks) {
      const metadata = parseV3Metadata(chunk.metadata);
      expect(metadata.tags).toHaveLength(parseV3Metadata(chart.metadata).tags.length);
      expect(metadata.box.length).toBe(metadataLayout(PADDING_BUCKETS.at(-1)!, metadata.tags.length, 'base32').box);
      expect(Object.keys(chunk).sort()).toEqual(Object.keys(chart).sort());
      expect(Object.keys(dataOf(chunk)).sort()).toEqual(Object.keys(dataOf(chart)).sort());
      expect(dataOf(chunk).type).toBe(CHART_ASSET_TYPE);
      expect([chunk.operation, chunk.version]).toEqual([chart.operation, chart.version]);
      expect(shape(chunk.outputs)).toEqual(shape(chart.outputs));
      expect(shape(chunk.inputs)).toEqual(shape(chart.inputs));
      const json = JSON.stringify(chunk);
      for (const key of directoryKeys) expect(json).not.toContain(key);
    }
    // Not linkable to each other by a tag or a key: every chunk's asset tag and owner keys are its own.
    const keysOf = (t: Transaction) => [dataOf(t).chart, ...t.outputs[0]!.public_keys, ...t.inputs[0]!.owners_before];
    const all = chunks.flatMap(keysOf);
    expect(new Set(all).size).toBe(all.length);
    // The chart under the same custody has the quorum's branch: so does every chunk (the shapes above compared it).
    expect(chart.outputs[0]!.condition.details.type).toBe('threshold-sha-256');
  });
});

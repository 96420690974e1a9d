// Two ledgers holding the same charts, one per tree, for the A/B list benchmarks (list-ab.ts, list-fresh.ts): each
// tree's own node in its own process (its own code), the same transactions posted to both, the doctor's seed shared.
// With `authority`, a 1-of-1 hospital authority and the doctor's credential are posted to both nodes first, so the
// credential checks are in both listings.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CredentialRegistry } from '../../src-main/authority/credential-registry';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { spawnLedgerNode } from '../../src-main/ledger-node/spawn';
import { LedgerNodeClient } from '../../src-main/ledger/node-client';
import { buildCreate } from '../../src-main/records/version-builder';
import { payloadOf } from '../../src-shared/records/payload';
import { sampleChart } from '../fixtures/sample-chart';
import { benchHospital } from './hospital';
import { settled } from './thread-cpu';

/** A module of the base tree: the first of `paths` that exists there. */
export async function baseModule<T>(base: string, ...paths: string[]): Promise<T> {
  for (const path of paths) {
    try {
      return (await import(join(base, path))) as T;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  throw new Error(`none of ${paths.join(', ')} in ${base}`);
}

export interface LedgerSide {
  url: string;
  /** The node's bearer token (null for a tree whose node has none). */
  token: string | null;
  pid: number;
}

export interface AbLedgers {
  new: LedgerSide;
  base: LedgerSide;
  /** The doctor's seed (both trees derive the same keys from it). */
  seed: Uint8Array;
  /** The pinned authority ('' : none). */
  authorityId: string;
  stop(): Promise<void>;
}

async function forEachLimit(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

export async function abLedgers(options: {
  base: string;
  dir: string;
  charts: number;
  authority: boolean;
}): Promise<AbLedgers> {
  type Spawn = { spawnLedgerNode: typeof spawnLedgerNode };
  const baseSpawn = await baseModule<Spawn>(options.base, 'src-main/ledger-node/spawn.ts');
  const newNode = await spawnLedgerNode({ dataDir: join(options.dir, 'new') });
  const baseNode = await baseSpawn.spawnLedgerNode({ dataDir: join(options.dir, 'base') });
  const tokenOf = (node: object) => ('token' in node && typeof node.token === 'string' ? node.token : null);
  const clients = [newNode, baseNode].map(
    (node) =>
      new LedgerNodeClient({
        nodeUrls: [node.url],
        postTimeoutMs: 60_000,
        readTimeoutMs: 60_000,
        bearerTokenFor: () => tokenOf(node),
      }),
  );
  const stop = async () => {
    for (const c of clients) c.close();
    await newNode.stop();
    await baseNode.stop();
  };
  try {
    const seed = randomBytes(32);
    const holder = new SeedKeyHolder(Uint8Array.from(seed), nativeKeyHolderCrypto);
    const custodian = { signKey: holder.signKey, boxKey: holder.boxKey, name: 'Dr Bench' };
    let authorityId = '';
    if (options.authority) {
      const hospital = await benchHospital(clients[0]!, true);
      await hospital.credential(holder);
      // The same transactions on the base node, in the order they were written (the authority, then the credential).
      const registry = await new CredentialRegistry(clients[0]!, hospital.authorityId).load();
      for (const { txId } of registry.knownPositions()) {
        const { value } = await clients[0]!.getTransaction(txId);
        await clients[1]!.post(value as { id: string });
      }
      authorityId = hospital.authorityId;
    }
    const t = Date.now();
    await forEachLimit(options.charts, 64, async (i) => {
      const { tx } = await buildCreate(
        holder,
        payloadOf(sampleChart(`Patient ${i}`), null, custodian, []),
        nativeLedgerCrypto,
      );
      await Promise.all(clients.map((c) => c.post(tx)));
    });
    console.log(
      `setup: wrote the same ${options.charts} charts to both nodes in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
    await settled(newNode.child.pid!);
    await settled(baseNode.child.pid!);
    return {
      new: { url: newNode.url, token: newNode.token, pid: newNode.child.pid! },
      base: { url: baseNode.url, token: tokenOf(baseNode), pid: baseNode.child.pid! },
      seed,
      authorityId,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

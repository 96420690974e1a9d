// Crash safety: the node runs as a child process, is SIGKILLed in the middle of a load of sync/commit posts, and
// is restarted on the same data. Every acknowledged transaction must be there, and every transaction must be
// either wholly present (stored, in a block, in the owner's outputs, searchable) or wholly absent.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spawnLedgerNode, type SpawnedLedgerNode } from '../../../src-main/ledger-node/spawn';
import { makeKey, type TestKey } from './support/keys';
import { http, postTx, tempDataDir, useToken, type LedgerTarget } from './support/target';
import { createTx, type SignedTx } from './support/transactions';

interface Item {
  readonly owner: TestKey;
  readonly tag: string;
  readonly tx: SignedTx;
}

function makeItems(count: number): Item[] {
  return Array.from({ length: count }, () => {
    const owner = makeKey();
    const tag = `t${randomBytes(8).toString('hex')}`;
    return { owner, tag, tx: createTx(owner, { kind: 'durability', tag }, { tag }) };
  });
}

/** A node child process whose bearer token the helpers send. */
async function spawned(dataDir: string): Promise<SpawnedLedgerNode> {
  const node = await spawnLedgerNode({ dataDir });
  useToken(node.url, node.token);
  return node;
}

const targetOf = (node: SpawnedLedgerNode) => ({ apiUrl: node.apiUrl, rootUrl: node.url }) as LedgerTarget;

/** Posts items with `concurrency` clients until the list is done or `stop()` says so; returns the acknowledged ids. */
async function load(
  node: SpawnedLedgerNode,
  items: Item[],
  concurrency: number,
  acked: Set<string>,
  killAfter: number,
  kill: () => void,
) {
  let next = 0;
  const worker = async (w: number) => {
    while (next < items.length) {
      const item = items[next++] as Item;
      try {
        const res = await postTx(targetOf(node), item.tx, w % 2 === 0 ? 'sync' : 'commit');
        if (res.status === 202) acked.add(item.tx.id);
        if (acked.size >= killAfter) kill();
      } catch {
        return; // connection refused/reset: the node is gone
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
}

async function presence(node: SpawnedLedgerNode, item: Item): Promise<boolean> {
  const api = node.apiUrl;
  const got = await http('GET', `${api}transactions/${item.tx.id}`);
  const blocks = (await http('GET', `${api}blocks?transaction_id=${item.tx.id}`)).json<number[]>();
  const outputs = (await http('GET', `${api}outputs?public_key=${item.owner.publicKey}`)).json<unknown[]>();
  const found = (await http('GET', `${api}metadata?search=${item.tag}`)).json<{ id: string }[]>();
  const present = got.status === 200;
  // All or nothing: the transaction, its block membership, its output index and its search entry.
  expect({ id: item.tx.id, blocks: blocks.length, outputs: outputs.length, found: found.length }).toEqual({
    id: item.tx.id,
    blocks: present ? 1 : 0,
    outputs: present ? 1 : 0,
    found: present ? 1 : 0,
  });
  if (present) {
    expect(got.json()).toEqual(item.tx);
    const block = (await http('GET', `${api}blocks/${blocks[0]}`)).json<{ transactions: { id: string }[] }>();
    expect(block.transactions.map((t) => t.id)).toContain(item.tx.id);
  }
  return present;
}

describe('durability of the embedded node (child process, SIGKILL)', () => {
  it('keeps every acknowledged transaction across SIGKILLs mid-load and resumes', { timeout: 180_000 }, async () => {
    const dir = tempDataDir('ledger-kill-');
    const items = makeItems(600);
    const acked = new Set<string>();
    try {
      for (const killAfter of [60, 180, 320]) {
        const node = await spawned(dir.path);
        let killed: Promise<void> | null = null;
        const kill = () => {
          killed ??= node.kill();
        };
        const pending = items.filter((item) => !acked.has(item.tx.id));
        await load(node, pending, 12, acked, killAfter, kill);
        if (!killed) kill();
        await killed;
        expect(node.child.signalCode).toBe('SIGKILL');
      }
      const node = await spawned(dir.path);
      try {
        let present = 0;
        for (const item of items) {
          const isPresent = await presence(node, item);
          if (acked.has(item.tx.id)) expect({ id: item.tx.id, isPresent }).toEqual({ id: item.tx.id, isPresent: true });
          if (isPresent) present += 1;
        }
        expect(acked.size).toBeGreaterThanOrEqual(320);
        expect(present).toBeGreaterThanOrEqual(acked.size);
        // Heights are contiguous from genesis and every listed transaction is readable.
        const latest = await http('GET', `${node.apiUrl}blocks/0`);
        expect(latest.json()).toEqual({ height: 0, transactions: [] });
        let height = 1;
        let listed = 0;
        for (;;) {
          const res = await http('GET', `${node.apiUrl}blocks/${height}`);
          if (res.status === 404) break;
          listed += res.json<{ transactions: unknown[] }>().transactions.length;
          height += 1;
        }
        expect(listed).toBe(present);
        // Resume: what was lost can be posted again; what was kept is a duplicate.
        const lost = items.find((item) => !acked.has(item.tx.id));
        const kept = items.find((item) => acked.has(item.tx.id)) as Item;
        if (lost) expect([202, 400]).toContain((await postTx(targetOf(node), lost.tx, 'commit')).status);
        const dup = await postTx(targetOf(node), kept.tx, 'commit');
        expect(dup.json<{ message: string }>().message).toMatch(/DuplicateTransaction/);
      } finally {
        await node.stop();
      }
    } finally {
      dir.remove();
    }
  });

  it('writes async-accepted transactions before a clean stop', { timeout: 60_000 }, async () => {
    const dir = tempDataDir('ledger-stop-');
    try {
      const items = makeItems(40);
      const node = await spawned(dir.path);
      const answers = await Promise.all(items.map((item) => postTx(targetOf(node), item.tx, 'async')));
      expect(answers.every((a) => a.status === 202)).toBe(true);
      await node.stop();
      expect(node.child.exitCode).toBe(0);
      const again = await spawned(dir.path);
      try {
        for (const item of items) expect(await presence(again, item)).toBe(true);
      } finally {
        await again.stop();
      }
    } finally {
      dir.remove();
    }
  });
});

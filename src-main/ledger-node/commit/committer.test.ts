// Group commit and reservations, on a real lmdb store with the real validator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeKey } from '../../../test/integration/ledger-node/support/keys';
import { createTx, ed25519Output, transferTx } from '../../../test/integration/ledger-node/support/transactions';
import { LedgerStore } from '../store/ledger-store';
import type { CommittedBlock } from '../store/ledger-store';
import { createValidator } from '../validation';
import { Committer } from './committer';

describe('Committer', () => {
  let dir: string;
  let store: LedgerStore;
  let blocks: CommittedBlock[];
  let committer: Committer;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'committer-'));
    store = LedgerStore.open(dir);
    blocks = [];
    committer = new Committer(store, createValidator(), (block) => blocks.push(block));
  });

  afterEach(async () => {
    await committer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a second copy of a pending transaction with the mempool duplicate', async () => {
    const tx = createTx(makeKey(), { n: 1 }, null);
    expect(committer.submit(tx, 'async')).toEqual({ kind: 'accepted', json: JSON.stringify(tx) });
    expect(committer.submit(tx, 'async')).toEqual({ kind: 'pending-duplicate' });
    await committer.close();
    expect(store.getJson(tx.id)).toBe(JSON.stringify(tx));
  });

  it('refuses a transfer that conflicts with a pending one, before either is written', async () => {
    const alice = makeKey();
    const create = createTx(alice, { n: 2 }, null);
    const first = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(makeKey())]);
    const second = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(makeKey())]);
    expect(committer.submit(create, 'async')).toMatchObject({ kind: 'accepted' });
    expect(committer.submit(first, 'async')).toMatchObject({ kind: 'accepted' });
    expect(committer.submit(second, 'async')).toMatchObject({ kind: 'rejected', error: { type: 'DoubleSpend' } });
    await committer.close();
    expect(store.spentBy(create.id, 0)).toBe(first.id);
    expect(store.getJson(second.id)).toBeUndefined();
  });

  it('writes what arrives in one turn as one block and resolves commit-mode posts once stored', async () => {
    const alice = makeKey();
    const txs = Array.from({ length: 5 }, (_, i) => createTx(alice, { i }, null));
    const answers = txs.map((tx) => committer.submit(tx, 'commit'));
    expect(store.getJson(txs[0]?.id ?? '')).toBeUndefined();
    const outcomes = await Promise.all(answers);
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    for (const tx of txs) expect(store.heightOf(tx.id)).toBe(1);
    expect(blocks.map((b) => [b.height, b.entries.length])).toEqual([[1, 5]]);
    expect(store.blockIds(1)).toEqual(txs.map((tx) => tx.id));
    expect(store.latestHeight).toBe(1);
  });

  it('collects posts that arrive during a write into the next block', async () => {
    const alice = makeKey();
    const first = committer.submit(createTx(alice, { n: 'a' }, null), 'commit');
    await new Promise((resolve) => setImmediate(resolve));
    // The first block is being written now; these two queue behind it.
    const later = [
      committer.submit(createTx(alice, { n: 'b' }, null), 'commit'),
      committer.submit(createTx(alice, { n: 'c' }, null), 'commit'),
    ];
    await Promise.all([first, ...later]);
    expect(blocks.map((b) => b.entries.length)).toEqual([1, 2]);
    expect(blocks.map((b) => b.height)).toEqual([1, 2]);
  });

  it('keeps several blocks in flight: reservations hold across them, answers come stored and in height order', async () => {
    const alice = makeKey();
    const create = createTx(alice, { n: 'pipelined' }, null);
    const answered: string[] = [];
    const submit = (tx: { id: string }) =>
      Promise.resolve(committer.submit(tx, 'commit')).then((outcome) => {
        // A commit-mode answer only once the transaction is readable from the store.
        expect(store.heightOf(tx.id)).toBeGreaterThan(0);
        answered.push(tx.id);
        return outcome;
      });
    const first = submit(create);
    await new Promise((resolve) => setImmediate(resolve));
    // The CREATE's block is queued to lmdb but not committed: the transfer spends its pending output.
    const spend = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(makeKey())]);
    const second = submit(spend);
    await new Promise((resolve) => setImmediate(resolve));
    const conflicting = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(makeKey())]);
    expect(committer.submit(conflicting, 'commit')).toMatchObject({ kind: 'rejected', error: { type: 'DoubleSpend' } });
    expect(await Promise.all([first, second])).toMatchObject([{ kind: 'accepted' }, { kind: 'accepted' }]);
    expect(answered).toEqual([create.id, spend.id]);
    expect(blocks.map((b) => b.height)).toEqual([1, 2]);
    expect(store.spentBy(create.id, 0)).toBe(spend.id);
    expect(store.latestHeight).toBe(2);
  });

  it('refuses new transactions once closing', async () => {
    await committer.close();
    expect(committer.submit(createTx(makeKey(), { n: 3 }, null), 'async')).toMatchObject({ kind: 'unavailable' });
  });
});

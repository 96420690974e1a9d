// Conflicting transactions arriving at the same moment: exactly one wins, every time, whatever the modes — the
// spent state the node validates against includes transactions still waiting for their block.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeKey } from './support/keys';
import { http, postTx, useEmbeddedNode, type LedgerTarget } from './support/target';
import { createTx, ed25519Output, transferTx } from './support/transactions';

const word = () => `w${randomBytes(6).toString('hex')}`;
const MODES = ['async', 'sync', 'commit'] as const;

describe('double-spend race on the embedded node', () => {
  const node = useEmbeddedNode();
  const target = () => ({ apiUrl: node().apiUrl, rootUrl: node().url }) as LedgerTarget;

  it('accepts exactly one of 40 concurrent conflicting TRANSFERs, in 8 rounds', async () => {
    const alice = makeKey();
    for (let round = 0; round < 8; round++) {
      const create = createTx(alice, { n: word() }, null);
      expect((await postTx(target(), create, 'commit')).status).toBe(202);
      const rivals = Array.from({ length: 40 }, () =>
        transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(makeKey())], { n: word() }),
      );
      const answers = await Promise.all(rivals.map((tx, i) => postTx(target(), tx, MODES[i % MODES.length])));
      const winners = answers.flatMap((answer, i) => (answer.status === 202 ? [rivals[i]] : []));
      expect(winners).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 202)) {
        expect(answer.status).toBe(400);
        expect(answer.json<{ message: string }>().message).toMatch(/^Invalid transaction \(DoubleSpend\)/);
      }
      // Once the winner is committed, the ledger shows it and only it.
      const winner = winners[0] as (typeof rivals)[number];
      await expect
        .poll(async () => (await http('GET', `${target().apiUrl}transactions/${winner.id}`)).status)
        .toBe(200);
      const spent = await http('GET', `${target().apiUrl}transactions?asset_id=${create.id}&operation=TRANSFER`);
      expect(spent.json<{ id: string }[]>().map((t) => t.id)).toEqual([winner.id]);
    }
  });

  it('accepts exactly one of 30 concurrent posts of the same CREATE', async () => {
    const tx = createTx(makeKey(), { n: word() }, null);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => postTx(target(), tx, MODES[i % MODES.length])),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 202)) {
      expect(answer.status).toBe(400);
      expect(answer.json<{ message: string }>().message).toMatch(
        /^(Internal error - Tx already exists in cache|Invalid transaction \(DuplicateTransaction\): transaction `[0-9a-f]{64}` already exists)$/,
      );
    }
  });

  it('lets a TRANSFER spend an output that is still waiting for its block, in order', async () => {
    const alice = makeKey();
    const create = createTx(alice, { n: word() }, null);
    const next = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(alice)]);
    // The async answer comes before the block is written, so the TRANSFER usually finds its input still pending.
    expect((await postTx(target(), create, 'async')).status).toBe(202);
    expect((await postTx(target(), next, 'commit')).status).toBe(202);
    const history = await http('GET', `${target().apiUrl}transactions?asset_id=${create.id}`);
    expect(history.json<{ id: string }[]>().map((t) => t.id)).toEqual([create.id, next.id]);
  });
});

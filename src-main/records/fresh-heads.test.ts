import { describe, expect, it } from 'vitest';
import type { VerifiedVersion } from '../ledger/chain';
import type { LedgerNodeClient } from '../ledger/node-client';
import { FreshHeads } from './fresh-heads';

// Only what check() reads of a version: its place and id (no node is asked with ask: false).
const versions = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ seq: i + 1, txId: `${i + 1}`.repeat(64).slice(0, 64) }) as VerifiedVersion);
const noNode = { nodeUrls: [] } as unknown as Pick<LedgerNodeClient, 'listOutputs' | 'lastTransactionOn' | 'nodeUrls'>;

describe('fresh heads', () => {
  it('takes a head remembered from the list checkpoint as seen: an answer below it is a rollback', async () => {
    const heads = new FreshHeads(noNode);
    heads.remember('chart', 3, 'c'.repeat(64));
    const rolledBack = await heads.check('chart', versions(2), 'http://node', { ask: false });
    expect(rolledBack).toEqual({
      seq: 3,
      txId: 'c'.repeat(64),
      reason: 'The node withheld version 3 seen before: it returned versions up to 2',
    });
    expect(await heads.check('chart', versions(3), 'http://node', { ask: false })).toBeNull();
    expect(await heads.check('other', versions(1), 'http://node', { ask: false })).toBeNull();
  });

  it('never lowers what it saw: remembering an older head changes nothing', async () => {
    const heads = new FreshHeads(noNode);
    expect(await heads.check('chart', versions(4), 'http://node', { ask: false })).toBeNull();
    heads.remember('chart', 2, 'b'.repeat(64));
    expect((await heads.check('chart', versions(3), 'http://node', { ask: false }))?.seq).toBe(4);
  });
});

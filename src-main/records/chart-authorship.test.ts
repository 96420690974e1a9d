// The words a clinician reads for each credential status of a version's author, and that no authority pinned means
// no check at all (nothing asked of the node).
import { describe, expect, it } from 'vitest';
import { AuthorityTrust } from '../authority/trust';
import { ChartAuthorship, reasonOf } from './chart-authorship';

const KEY = '8fJXoVPMoGkfkd2f1R6LXKmsDvLMwyrrbYjadnmxC9fP';
const v = { seq: 3, author: KEY };

describe('reasonOf', () => {
  it('says which: unknown, revoked, expired, not yet valid, or no position', () => {
    const named = { name: 'Dr Ada Okafor', height: 42 };
    expect(reasonOf(v, { status: 'valid', height: 42 })).toBeNull();
    expect(reasonOf(v, { status: 'unknown', height: 42 })).toBe(
      `Unknown author: version 3 was signed by ${KEY}, who holds no credential of this hospital`,
    );
    expect(reasonOf(v, { status: 'revoked', ...named })).toBe(
      `Unknown author: version 3 was signed by Dr Ada Okafor (${KEY}) at block 42, after their credential was revoked`,
    );
    expect(reasonOf(v, { status: 'expired', ...named })).toBe(
      `Unknown author: version 3 was signed by Dr Ada Okafor (${KEY}) at block 42, after their credential expired`,
    );
    expect(reasonOf(v, { status: 'not-yet', ...named })).toBe(
      `Unknown author: version 3 was signed by Dr Ada Okafor (${KEY}) at block 42, before their credential was valid`,
    );
    expect(reasonOf(v, { status: 'unplaced', height: null })).toBe(
      "Unknown author: the node places version 3 in no block or out of order, so its author's credential cannot be checked",
    );
  });
});

describe('ChartAuthorship with no authority pinned', () => {
  it('checks nothing and asks the node nothing', async () => {
    const asked: string[] = [];
    const ledger = {
      blockHeights: async (id: string) => (asked.push(id), { value: [1], nodeUrl: 'x' }),
      blockTransactionIds: async (h: number) => (asked.push(String(h)), { value: [], nodeUrl: 'x' }),
    };
    const trust = new AuthorityTrust(ledger as never, { authorityId: () => '' });
    const authors = new ChartAuthorship(trust, ledger);
    expect(authors.active()).toBe(false);
    expect(await authors.check([{ seq: 1, txId: 'a'.repeat(64), author: KEY } as never])).toBeNull();
    expect(asked).toEqual([]);
  });
});

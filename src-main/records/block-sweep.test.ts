// The sweep's own rules over a scripted ledger (a list of blocks that grows while charts are checked; each answer
// comes a tick later, as over HTTP): every chart is placed against a tip read after its call, charts share probes,
// the budget sends an author back to per-chart heights, and a listing that contradicts a known position or comes from
// another node ends the sweep. The same sweep against the real node: test/integration/authority/cold-list.test.ts.
import { describe, expect, it } from 'vitest';
import { BlockSweep, type SweepAuthor } from './block-sweep';

const id = (n: number) => n.toString(16).padStart(64, '0');

function ledger(blocks: string[][], onAsk: (height: number) => void = () => undefined) {
  const asked: number[] = [];
  let nodeUrl = 'http://node-a';
  return {
    blocks,
    asked,
    failOver: (url: string) => (nodeUrl = url),
    reader: {
      blockTransactionIds: async (height: number) => {
        asked.push(height);
        // The node answers as of when asked; the answer arrives a little later (charts may be written meanwhile).
        const value = height < blocks.length ? [...blocks[height]!] : null;
        onAsk(height);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { value, nodeUrl };
      },
    },
  };
}

/** An author whose credential ended at `from` (revoked): every height from there on is bad. */
const revokedAt = (from: number): SweepAuthor => ({
  key: 'revoked',
  statusAt: (h) => (h >= from ? 'revoked' : 'valid'),
  changes: () => [from],
});
const valid: SweepAuthor = { key: 'valid', statusAt: () => 'valid', changes: () => [] };
/** A doctor credentialed at `from` (not yet valid below it), and revoked at `until` when given. */
const doctor = (from: number, until?: number): SweepAuthor => ({
  key: 'doctor',
  statusAt: (h) => (h < from ? 'not-yet' : until !== undefined && h >= until ? 'revoked' : 'valid'),
  changes: () => (until === undefined ? [from] : [from, until]),
});

describe('BlockSweep', () => {
  it('places every version written before its call, with charts sharing probes of the tip', async () => {
    const l = ledger([[], [id(1)]]);
    const sweep = new BlockSweep(l.reader, 1000, 16);
    const registry = {};
    // 64 charts, each written (a new block) just before its check, checked concurrently.
    const results = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i % 8));
        const tx = id(100 + i);
        l.blocks.push([tx]);
        const height = l.blocks.length - 1;
        const where = await sweep.place(registry, [revokedAt(2)], [], 'http://node-a');
        return { height, found: where?.(tx) };
      }),
    );
    for (const r of results) expect(r.found).toBe(r.height);
    expect(sweep.broken).toBeNull();
    expect(sweep.probes).toBeLessThan(64 / 4);
  });

  it('a chart written while a probe is under way waits for the next one (the running one may not see it)', async () => {
    let second: Promise<number | undefined> | null = null;
    const late = id(50);
    const l = ledger([[], [id(1)]], (height) => {
      // The first probe's last question is block 2 (none yet); just after the node answered, a chart is written (in
      // block 2) and checked.
      if (height !== 2 || second) return;
      l.blocks.push([late]);
      second = sweep.place({}, [revokedAt(2)], [], 'http://node-a').then((where) => where?.(late));
    });
    const sweep = new BlockSweep(l.reader, 100);
    await sweep.place({}, [revokedAt(2)], [], 'http://node-a');
    expect(second).not.toBeNull();
    expect(await second).toBe(2);
  });

  it('a version in no bad block of its author counts (no height); one in a bad block has its height', async () => {
    const l = ledger([[], [id(1)], [id(2)], [id(3)], [id(4)]]);
    const sweep = new BlockSweep(l.reader, 10);
    const where = await sweep.place({}, [revokedAt(3), valid], [], 'http://node-a');
    expect([where?.(id(2)), where?.(id(3)), where?.(id(4))]).toEqual([undefined, 3, 4]);
  });

  it('declines (the caller asks per chart) when the bad blocks outnumber its budget, reading none of them', async () => {
    const l = ledger(Array.from({ length: 40 }, (_, h) => [id(h)]));
    const sweep = new BlockSweep(l.reader, 12);
    expect(await sweep.place({}, [revokedAt(5)], [], 'http://node-a')).toBeNull();
    expect(sweep.broken).toBeNull();
    expect(l.asked.filter((h) => h >= 5 && h < 39).length).toBeLessThanOrEqual(12);
    // An author with few bad blocks is still placed by the same sweep.
    expect(await sweep.place({}, [revokedAt(39)], [], 'http://node-a')).not.toBeNull();
  });

  it('a listing that leaves out a transaction known to be in that block ends the sweep', async () => {
    const l = ledger([[], [id(1)], [id(2)], [id(3)]]);
    const sweep = new BlockSweep(l.reader, 10);
    // The node said (elsewhere) that id(9) is in block 2; its listing of block 2 does not have it.
    expect(await sweep.place({}, [revokedAt(2)], [{ txId: id(9), height: 2 }], 'http://node-a')).toBeNull();
    expect(sweep.broken).toMatch(/block 2 leaves out transaction 0+9, which it placed there/);
    expect(await sweep.place({}, [valid], [], 'http://node-a')).toBeNull();
  });

  it('a known transaction listed at another height, or above the tip, ends the sweep', async () => {
    const moved = new BlockSweep(ledger([[], [id(1)], [id(2)], [id(3)]]).reader, 10);
    expect(await moved.place({}, [revokedAt(1)], [{ txId: id(3), height: 2 }], 'http://node-a')).toBeNull();
    expect(moved.broken).toMatch(/lists transaction 0+3, which it placed at 2|leaves out transaction 0+3/);
    const above = new BlockSweep(ledger([[], [id(1)]]).reader, 10);
    expect(await above.place({}, [valid], [{ txId: id(7), height: 5 }], 'http://node-a')).toBeNull();
    expect(above.broken).toMatch(/it has no block 5, a height it gave/);
  });

  it('an author valid from its last change on waits for no probe: only its bad blocks below it are read', async () => {
    const l = ledger([[], [id(1)], [id(2)], [id(3)], [id(4)]]);
    const sweep = new BlockSweep(l.reader, 100, 16);
    const where = await sweep.place({}, [doctor(3)], [], 'http://node-a');
    expect([where?.(id(2)), where?.(id(3)), where?.(id(4))]).toEqual([2, undefined, undefined]);
    // A chart written afterwards counts, as the per-chart check judges any height from 3 on under this registry.
    l.blocks.push([id(5)]);
    const later = await sweep.place({}, [doctor(3)], [], 'http://node-a');
    expect(later?.(id(5))).toBeUndefined();
    expect(sweep.probes).toBe(0);
    expect([...l.asked].sort((a, b) => a - b)).toEqual([0, 1, 2]);
  });

  it('a registry read again (a revocation since) is judged afresh: the revoked author is probed for again', async () => {
    const l = ledger([[], [id(1)], [id(2)]]);
    const sweep = new BlockSweep(l.reader, 100);
    const before = {};
    expect((await sweep.place(before, [doctor(1)], [], 'http://node-a'))?.(id(2))).toBeUndefined();
    expect(sweep.probes).toBe(0);
    // IT revokes the doctor (block 3) and the doctor's key writes on (block 4); the registry is read again.
    l.blocks.push([id(3)], [id(4)]);
    const after = {};
    const where = await sweep.place(after, [doctor(1, 3)], [{ txId: id(3), height: 3 }], 'http://node-a');
    expect([where?.(id(2)), where?.(id(4))]).toEqual([undefined, 4]);
    expect(sweep.probes).toBe(1);
    expect(sweep.broken).toBeNull();
  });

  it("expects the registry's own positions once per registry read; one left out of its block still ends the sweep", async () => {
    const l = ledger([[], [id(1)], [id(2)], [id(3)]]);
    const sweep = new BlockSweep(l.reader, 100);
    let asked = 0;
    const positions = () => {
      asked++;
      return [{ txId: id(1), height: 1 }];
    };
    const registry = {};
    for (let i = 0; i < 3; i++)
      expect(await sweep.place(registry, [doctor(2)], [], 'http://node-a', positions)).not.toBeNull();
    expect(asked).toBe(1);
    // A registry read again, whose credential act the node says is in block 2: block 2's listing lacks it.
    expect(await sweep.place({}, [doctor(3)], [], 'http://node-a', () => [{ txId: id(9), height: 2 }])).toBeNull();
    expect(sweep.broken).toMatch(/block 2 leaves out transaction 0+9, which it placed there/);
  });

  it('answers from another node than the chart came from are not used', async () => {
    const l = ledger([[], [id(1)], [id(2)]]);
    const sweep = new BlockSweep(l.reader, 10);
    expect(await sweep.place({}, [revokedAt(2)], [], 'http://node-b')).toBeNull();
    l.failOver('http://node-b');
    l.blocks.push([id(3)]);
    expect(await sweep.place({}, [revokedAt(2)], [], 'http://node-a')).toBeNull();
    expect(sweep.broken).toMatch(/both http:\/\/node-a and http:\/\/node-b answered/);
  });
});

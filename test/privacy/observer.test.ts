// The observer's scoring helpers: the adjusted Rand index against values scikit-learn's documentation gives
// (adjusted_rand_score) and one computed with Python's math.comb, and the majority baseline; and the timing feature
// on two hand-made ledgers of fresh keys (what v3 shows): a quiet one, where each doctor's sitting is alone in its
// blocks, and a busy one, where the same versions interleave block after block.
import { describe, expect, it } from 'vitest';
import { randomBytes, toBase58 } from '../../src-shared/crypto/bytes';
import { adjustedRandIndex, majorityBaseline, observe, type RawLedger, type RawTx } from './observer';

/** A ledger of v3-like versions: fresh keys everywhere, one box size; `writes` = [chart, height] in write order. */
function ledgerOf(writes: [string, number][]): RawLedger {
  const key = () => toBase58(randomBytes(32));
  const created = new Map<string, string>();
  const blocks = new Map<number, RawTx[]>();
  for (const [chart, height] of writes) {
    const id = toBase58(randomBytes(32));
    const tx: RawTx = created.has(chart)
      ? {
          id,
          operation: 'TRANSFER',
          asset: { id: created.get(chart)! },
          metadata: { box: 'A'.repeat(5464) },
          inputs: [{ owners_before: [key()] }],
          outputs: [{ public_keys: [key()] }],
        }
      : {
          id,
          operation: 'CREATE',
          asset: { data: { type: 'hc.chart/1' } },
          metadata: { box: 'A'.repeat(5464) },
          inputs: [{ owners_before: [key()] }],
          outputs: [{ public_keys: [key()] }],
        };
    if (!created.has(chart)) created.set(chart, id);
    blocks.set(height, [...(blocks.get(height) ?? []), tx]);
  }
  return {
    blocks: [...blocks].sort((a, b) => a[0] - b[0]).map(([height, transactions]) => ({ height, transactions })),
    directory: [],
    searchHits: new Map(),
  };
}

const doctorOf = (chart: string) => chart[0]!;

describe('observer scoring', () => {
  it('adjusted Rand index: 1 for the same partition under any names, known values otherwise', () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.5714285714, 9);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 9);
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2, 3, 3])).toBeCloseTo(0.4444444444, 9);
  });

  it('adjusted Rand index of random labellings averages near 0 (its chance level)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let sum = 0;
    for (let run = 0; run < 300; run++) {
      const truth = Array.from({ length: 30 }, () => Math.floor(random() * 5));
      const guess = Array.from({ length: 30 }, () => Math.floor(random() * 5));
      sum += adjustedRandIndex(truth, guess);
    }
    expect(Math.abs(sum / 300)).toBeLessThan(0.02);
  });

  it('majority baseline is the share of the most frequent answer', () => {
    expect(majorityBaseline(['share', 'update', 'share', 'custody'])).toBe(0.5);
    expect(majorityBaseline(['x'])).toBe(1);
  });

  it('timing: on a quiet ledger sittings group charts by doctor; interleaved on a busy one they give nothing', () => {
    const charts = ['a1', 'a2', 'a3', 'b1', 'b2', 'c1', 'c2', 'c3'];
    const score = (ledger: RawLedger) => {
      const g = observe(ledger);
      const ids = g.charts.map((c) => c.chartId);
      const created = new Map(
        ledger.blocks
          .flatMap((b) => b.transactions)
          .filter((t) => t.operation === 'CREATE')
          .map((t, i) => [t.id, i]),
      );
      const names = ids.map((id) => charts[created.get(id)!]!);
      const doctors = [...new Set(names.map(doctorOf))];
      return {
        g,
        ari: adjustedRandIndex(
          names.map((n) => doctors.indexOf(doctorOf(n))),
          ids.map((id) => g.timingCluster.get(id)!),
        ),
      };
    };
    // Quiet: a's sitting in blocks 10–12, b's in 30–31, c's in 50–51 and an update of c1 alone at 70.
    const quiet = score(
      ledgerOf([
        ['a1', 10],
        ['a2', 11],
        ['a3', 11],
        ['a1', 12],
        ['b1', 30],
        ['b2', 31],
        ['c1', 50],
        ['c2', 50],
        ['c3', 51],
        ['c1', 70],
      ]),
    );
    expect(quiet.ari).toBe(1);
    expect(quiet.g.evidence.timingLinks).toBe(5);
    // Busy: the same writes, one block after another with every doctor's versions interleaved (no gap anywhere).
    const busy = score(
      ledgerOf([
        ['a1', 10],
        ['b1', 11],
        ['c1', 12],
        ['a2', 13],
        ['b2', 14],
        ['c2', 15],
        ['a3', 16],
        ['c3', 17],
        ['a1', 18],
        ['c1', 19],
      ]),
    );
    expect(busy.g.evidence.timingLinks).toBe(0);
    expect(busy.ari).toBe(0);
  });
});

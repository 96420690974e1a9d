// What the in-process A/B benches (validate-ab, fhir-validate-ab, v3-open-ab, v3-seal-ab) print: each side's figure a
// batch, and the branch's ratio to the base batch by batch, whose median is the comparison (the first batch warms up).
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface AbFigures {
  base: number[];
  branch: number[];
}

/** Prints "µs CPU a <unit>" of each side by batch and the branch / base ratios, medians of batches 2 and on. */
export function printBatches(figures: AbFigures, unit: string): void {
  for (const side of ['base', 'branch'] as const) {
    const xs = figures[side];
    console.log(
      `µs CPU a ${unit}, ${side.padEnd(6)}: ${xs.map((x) => x.toFixed(0)).join(' ')}  (median of batches 2.. ${median(xs.slice(1)).toFixed(0)})`,
    );
  }
  const ratios = figures.branch.map((x, i) => x / figures.base[i]!);
  console.log(
    `branch / base: ${ratios.map((r) => r.toFixed(2)).join(' ')}; median of batches 2.. ${median(ratios.slice(1)).toFixed(2)}`,
  );
}

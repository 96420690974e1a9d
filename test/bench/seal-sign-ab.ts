// `npm run bench -- seal-sign-ab [--count=1000] [--rounds=7]`: what a bulk import's main thread still does per chart
// after the unlock when its v1 CREATE was sealed during the unlock (helper preseal16): signCreate of a prepared
// CREATE against buildCreate (seal + sign), in one process, alternated rounds, on the CLI import's chart (the
// sample chart through FHIR), native libsodium as the CLI runs it. Prints each round's ms per chart and the medians.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import { buildCreate, sealCreate, signCreate } from '../../src-main/records/version-builder';
import { chartToFhir, fhirToChart } from '../../src-shared/records/fhir';
import { payloadOf } from '../../src-shared/records/payload';
import { sampleChart } from '../fixtures/sample-chart';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a.startsWith('--')),
    options: { count: { type: 'string' }, rounds: { type: 'string' } },
    strict: false,
  });
  const count = Number(values.count ?? 1000);
  const rounds = Number(values.rounds ?? 7);
  const holder = new SeedKeyHolder(Uint8Array.from(randomBytes(32)), nativeKeyHolderCrypto);
  const custodian = { signKey: holder.signKey, boxKey: holder.boxKey, name: 'Dr. Bench' };
  const payloads = Array.from({ length: count }, (_, i) => {
    const read = fhirToChart(chartToFhir({ chartId: 'x', chart: sampleChart(`Imported ${i}`), versions: [] }));
    if (!read.ok) throw new Error('sample chart did not convert');
    return payloadOf(read.chart, null, custodian, []);
  });
  const full: number[] = [];
  const signOnly: number[] = [];
  const sealOnly: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (const p of payloads) await buildCreate(holder, p, nativeLedgerCrypto);
    full.push((performance.now() - t) / count);
    t = performance.now();
    const sealed = payloads.map((p) => sealCreate(holder, p));
    sealOnly.push((performance.now() - t) / count);
    t = performance.now();
    for (const s of sealed) await signCreate(holder, s, nativeLedgerCrypto);
    signOnly.push((performance.now() - t) / count);
    console.log(
      `  round ${r + 1}: build ${full.at(-1)!.toFixed(3)} ms, seal ${sealOnly.at(-1)!.toFixed(3)} ms, sign prepared ${signOnly.at(-1)!.toFixed(3)} ms a chart`,
    );
  }
  console.log(
    `seal-sign-ab (${count} charts × ${rounds}): median build ${median(full).toFixed(3)} ms, seal ${median(sealOnly).toFixed(3)} ms, sign prepared ${median(signOnly).toFixed(3)} ms a chart`,
  );
}

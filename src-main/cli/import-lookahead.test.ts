// The import's lookahead reads files and starts their checks ahead of their turn; each bundle is still checked once,
// by the validator given, and the chart service gets that very check's answer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chartToFhir, fhirToChart } from '../../src-shared/records/fhir';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { inProcessFhirValidator, type FhirValidator } from '../records/fhir-validator-pool';
import { ImportLookahead } from './import-lookahead';

/** The real validator, counting what it is asked. */
function counting(): FhirValidator & { inputs: unknown[] } {
  const inputs: unknown[] = [];
  return {
    inputs,
    validate(input, json) {
      inputs.push(input);
      return inProcessFhirValidator.validate(input, json);
    },
  };
}

describe('ImportLookahead', () => {
  let dir: string;
  let files: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hc-lookahead-'));
    files = Array.from({ length: 6 }, (_, i) => join(dir, `${i}.json`));
    files.forEach((f, i) =>
      writeFileSync(f, JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart(`P ${i}`), versions: [] }))),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and sends for checking at most `ahead` files beyond those taken, and nothing before start()', () => {
    const validator = counting();
    const lookahead = new ImportLookahead(files, validator, 2);
    expect(validator.inputs).toHaveLength(0);
    lookahead.start();
    expect(validator.inputs).toHaveLength(2);
    lookahead.take(0);
    expect(validator.inputs).toHaveLength(3);
    for (let i = 1; i < files.length; i++) lookahead.take(i);
    expect(validator.inputs).toHaveLength(files.length);
  });

  it('hands the chart service the check already under way: each bundle checked once, with the same answer', async () => {
    const validator = counting();
    // One bundle broken: its errors are what validating it directly gives.
    const broken = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { resourceType: 'Patient', gender: 7 } }],
    };
    writeFileSync(files[3]!, JSON.stringify(broken));
    const lookahead = new ImportLookahead(files, validator, 3);
    lookahead.start();
    for (let i = 0; i < files.length; i++) {
      const read = lookahead.take(i);
      if ('error' in read) throw read.error;
      const answer = await lookahead.fhirValidator.validate(read.bundle, read.json);
      expect(answer).toEqual(await inProcessFhirValidator.validate(read.bundle));
      if (i === 3) expect(answer.length).toBeGreaterThan(0);
      else expect(answer).toEqual([]);
    }
    expect(validator.inputs).toHaveLength(files.length);
    expect(new Set(validator.inputs).size).toBe(files.length);
  });

  it('an input it did not read, or one asked for a second time, goes to the validator', async () => {
    const validator = counting();
    const lookahead = new ImportLookahead(files, validator, 1);
    lookahead.start();
    const read = lookahead.take(0);
    if ('error' in read) throw read.error;
    await lookahead.fhirValidator.validate(read.bundle, read.json);
    await lookahead.fhirValidator.validate(read.bundle, read.json);
    await lookahead.fhirValidator.validate({ resourceType: 'Bundle' });
    // 0 and 1 read ahead; then 0 again and the unknown input.
    expect(validator.inputs).toHaveLength(4);
  });

  it("a file that cannot be read or is not JSON is that file's error, as reading it in turn would give", () => {
    writeFileSync(files[1]!, '{ not json');
    rmSync(files[2]!);
    const lookahead = new ImportLookahead(files, counting(), 10);
    lookahead.start();
    expect(lookahead.take(1)).toMatchObject({ error: { name: 'SyntaxError' } });
    expect(lookahead.take(2)).toMatchObject({ error: { code: 'ENOENT' } });
    expect('bundle' in lookahead.take(0)).toBe(true);
    expect(() => lookahead.take(0)).toThrow('taken already');
  });

  it('converts the bundles found valid before the first take, none after, and the chart service gets the same chart', async () => {
    writeFileSync(
      files[1]!,
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ resource: { resourceType: 'Patient', gender: 7 } }],
      }),
    );
    // Checks answered when the test says: the first four before the import starts, the rest after.
    const answers: (() => void)[] = [];
    const held: FhirValidator = {
      validate: (input, json) =>
        new Promise((resolve) => answers.push(() => void inProcessFhirValidator.validate(input, json).then(resolve))),
    };
    const lookahead = new ImportLookahead(files, held, 1, 6);
    lookahead.start();
    expect(answers).toHaveLength(6); // read `aheadWhileWaiting` ahead, not `ahead`
    const settle = async (from: number, to: number) => {
      answers.slice(from, to).forEach((answer) => answer());
      await new Promise((r) => setTimeout(r, 50));
    };
    await settle(0, 4);
    expect(lookahead.convertedAhead).toBe(3); // 0, 2, 3: the invalid one is not converted
    const reads = files.map((_, i) => lookahead.take(i));
    await settle(4, 6);
    expect(lookahead.convertedAhead).toBe(3); // answered after the first take: converted in turn, not ahead
    for (const read of reads) {
      if ('error' in read) throw read.error;
      expect(lookahead.fhirConverter(read.bundle)).toEqual(fhirToChart(read.bundle));
    }
  });
});

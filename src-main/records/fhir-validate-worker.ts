// A FHIR validation worker thread (started by fhir-validator-pool.ts): checks bundles against the official R4
// definitions, so a bulk import's validation (~0.3 ms of CPU a bundle; fhir-validation-fast.ts) runs beside the main
// thread's sealing, signing and posting instead of before them. It sees the input FHIR only, never a key. Asked to
// convert (`convert`), it also reads the chart out of a valid bundle (fhirToChart with its zod check), which otherwise
// cost the import's main thread as much as its sealing (docs/BENCHMARKS.md); the answer is fhirToChart's, cloned.
import { parentPort, workerData } from 'node:worker_threads';
import { fhirToChart, type FhirImportResult } from '../../src-shared/records/fhir-import';
import type { FieldError } from '../../src-shared/records/validate';
import { fhirStructureErrors, indexAllDefinitions, warmUpFhirValidation } from './fhir-validation';

/** `json`: the text the input was parsed from, parsed here (the pool sends it when the caller has it). */
export type FhirValidateRequest =
  | { id: number; warmUp: true }
  | { id: number; input: unknown; convert?: boolean }
  | { id: number; json: string; convert?: boolean };

/** `converted`: fhirToChart's answer, when asked for and the input had no structural error. */
export type FhirValidateResponse =
  | { id: number; ok: true; errors: FieldError[]; converted?: FhirImportResult }
  | { id: number; ok: false; error: string };

// Every definition at once instead of those each input needs (the comparison in fhir-validation-lazy.test.ts).
if ((workerData as { indexEverything?: boolean } | null)?.indexEverything) indexAllDefinitions();

parentPort?.on('message', (request: FhirValidateRequest) => {
  let response: FhirValidateResponse;
  try {
    if ('warmUp' in request) {
      warmUpFhirValidation();
      response = { id: request.id, ok: true, errors: [] };
    } else {
      const input = 'json' in request ? (JSON.parse(request.json) as unknown) : request.input;
      const errors = fhirStructureErrors(input);
      response =
        request.convert && errors.length === 0
          ? { id: request.id, ok: true, errors, converted: fhirToChart(input) }
          : { id: request.id, ok: true, errors };
    }
  } catch (error) {
    response = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});

// A FHIR validation worker thread (started by fhir-validator-pool.ts): checks bundles against the official R4
// definitions, so a bulk import's validation (~0.3 ms of CPU a bundle; fhir-validation-fast.ts) runs beside the main
// thread's sealing, signing and posting instead of before them. It sees the input FHIR only, never a key.
import { parentPort, workerData } from 'node:worker_threads';
import type { FieldError } from '../../src-shared/records/validate';
import { fhirStructureErrors, indexAllDefinitions, warmUpFhirValidation } from './fhir-validation';

/** `json`: the text the input was parsed from, parsed here (the pool sends it when the caller has it). */
export type FhirValidateRequest =
  { id: number; warmUp: true } | { id: number; input: unknown } | { id: number; json: string };

export type FhirValidateResponse =
  { id: number; ok: true; errors: FieldError[] } | { id: number; ok: false; error: string };

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
      response = { id: request.id, ok: true, errors: fhirStructureErrors(input) };
    }
  } catch (error) {
    response = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});

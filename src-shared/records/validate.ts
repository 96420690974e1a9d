// Field-level validation for forms and for every chart that is about to be sealed or has just been opened.
import type { z } from 'zod';
import { chartSchema, type Chart } from './chart';
import { chartFastParse, NO } from './payload-fast-accept';

// A global of every runtime this code runs in (the WHATWG HTML spec; Node since 17), declared here because
// src-shared's tsconfig includes neither the DOM nor Node typings.
declare function structuredClone<T>(value: T): T;

/** One problem with one field; `path` is dotted ('medications.2.dose'), '' for the chart as a whole. */
export interface FieldError {
  path: string;
  message: string;
}

export type ChartValidation = { ok: true; chart: Chart } | { ok: false; errors: FieldError[] };

/**
 * A chart valid by every rule and already in zod's output form (trimmed, defaults present) is answered by the fast
 * parse (payload-fast-accept.ts, ~1/10 of zod's cost: the FHIR import's main thread validates every chart); anything
 * else, and every refusal with its messages, is zod's.
 */
export function validateChart(input: unknown): ChartValidation {
  const result = validateOwnChart(input);
  // The fast parse answers the caller's own object; zod always answered a new one, and the chart service keeps what
  // it is given (the version it wrote, its history's diffs): a caller that edits its object afterwards must not
  // change them.
  return result.ok && result.chart === input ? { ok: true, chart: structuredClone(result.chart) } : result;
}

/** validateChart for a chart the caller built and hands over (the FHIR import's): a valid one is answered as is. */
export function validateOwnChart(input: unknown): ChartValidation {
  const fast = chartFastParse(input);
  if (fast !== NO) return { ok: true, chart: fast as Chart };
  const result = chartSchema.safeParse(input);
  if (result.success) return { ok: true, chart: result.data };
  return { ok: false, errors: toFieldErrors(result.error.issues) };
}

/** The field-level errors of `input` ([] when it is a valid chart). */
export function chartErrors(input: unknown): FieldError[] {
  const result = validateChart(input);
  return result.ok ? [] : result.errors;
}

export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        errors.push({ path: path ? `${path}.${key}` : key, message: `Unknown field "${key}"` });
    } else {
      errors.push({ path, message: issue.message });
    }
  }
  return errors;
}

export class ChartValidationError extends Error {
  override readonly name = 'ChartValidationError';
  constructor(readonly errors: FieldError[]) {
    super(`The chart is not valid: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`);
  }
}

/** The chart, parsed and normalised (trimmed), or a ChartValidationError listing every field error. */
export function parseChart(input: unknown): Chart {
  const result = validateChart(input);
  if (!result.ok) throw new ChartValidationError(result.errors);
  return result.chart;
}

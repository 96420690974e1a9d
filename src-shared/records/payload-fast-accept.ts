// A fast accept for decodePayload: a payload already in the exact shape payloadSchema outputs (v 2, every defaulted
// field present, strings already trimmed, keys in the schema's order, nothing extra) and valid by every rule of the
// schema is returned as parsed. zod's safeParse cost ~25–35 µs a version on the main thread of a cold list (8 % of
// its CPU at 10,000 charts, docs/BENCHMARKS.md "helper list12g"); this check costs a few. Anything else — a v1 payload,
// untrimmed text, a missing default, any doubt — answers false and zod decides, so the verdicts and the values are
// zod's: accepting here implies zod accepts and outputs a deep-equal value in the same key order
// (payload-fast-accept.test.ts checks that over generated and mutated payloads, at every limit below).
// The keys are read from the zod schemas themselves: a field added there that this file does not check turns the fast
// accept off for that object (it then always defers to zod) rather than letting the field through unchecked.
// payloadFastParse is the same checks for a payload whose objects may hold their keys in another order (v3's inner
// envelope is canonical JSON, keys sorted: docs/UNLINKABLE.md §2): it answers the payload with its objects rebuilt in
// the schema's order — zod's output, deep-equal and in the same key order — or NO (zod decides). An object already in
// order, with all it holds unchanged, is answered as is, so the fast accept is "the parse answered its input".
// chartFastParse is the chart's part for the input schema (validateChart: what a doctor saves, what an import
// validates): the same checks plus the dates that cannot lie in the future (validate-fast-parse.test.ts).
import type { z } from 'zod';
import {
  ALLERGY_CRITICALITIES,
  ALLERGY_STATUSES,
  ALLERGY_TYPES,
  CHART_LISTS,
  DOCTOR_ROLES,
  DOCTOR_STATUSES,
  ENTRY_ID,
  GENDERS,
  IMMUNIZATION_STATUSES,
  ILLNESS_STATUSES,
  MEDICATION_STATUSES,
  PROCEDURE_STATUSES,
  RESULT_CATEGORIES,
  RESULT_STATUSES,
  ROUTES,
  VISIT_STATUSES,
  chartSchema,
  storedChartSchema,
  type ChartCheck,
} from './chart';
import { dateError, isIsoDate, todayIso } from './dates';
import { BASE58_KEY, HEX64 } from '../ledger/patterns';

type Check = (value: unknown) => boolean;
/** The value as zod outputs it, or NO. */
type Parse = (value: unknown) => unknown;
type Record_ = Record<string, unknown>;

/** Not accepted here: zod decides. */
export const NO: unique symbol = Symbol('defer to zod');

/** A field: its check, and whether the schema lets it be absent (`.optional()`: absent in, absent out). */
interface Field {
  check: Check | Parse;
  /** `check` answers the value to keep (or NO) rather than true/false. */
  parse?: boolean;
  optional?: boolean;
}

const isString = (v: unknown): v is string => typeof v === 'string';
/** `text()`/`requiredText()` of chart.ts: trimmed by zod, so only an already trimmed string is returned as is. */
const text =
  (max: number, min = 0): Check =>
  (v) =>
    isString(v) && v.length <= max && v.length >= min && v.trim() === v;
/** A plain `z.string().max()` (no trim). */
const rawText =
  (max: number): Check =>
  (v) =>
    isString(v) && v.length <= max;
const pattern =
  (re: RegExp): Check =>
  (v) =>
    isString(v) && re.test(v);
const choice =
  (values: readonly string[]): Check =>
  (v) =>
    isString(v) && values.includes(v);
/**
 * The day "not in the future" is judged against (chart.ts's `date()`, check 'input'): todayIso(), read by
 * chartFastParse once a chart, before any date of it is checked ('' until then: every such date defers to zod). zod
 * reads it per date, so across midnight it may see the next day there: a date this parse accepts zod accepts too.
 */
let today = '';
/** `date()` of chart.ts: shape only ('stored', or a date that may lie in the future); `notFuture`: at most today. */
const date =
  (required = false, notFuture = false): Check =>
  (v) =>
    isString(v) && v.trim() === v && (v === '' ? !required : dateError(v) === null && !(notFuture && v > today));
const optionalKey: Check = (v) => isString(v) && v.trim() === v && (v === '' || BASE58_KEY.test(v));
const age: Check = (v) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 150);
const isObject = (v: unknown): v is Record_ => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An array of at most `max` entries, each parsed; a copy only if an entry changed. */
const list =
  (max: number, entry: Parse): Parse =>
  (v) => {
    if (!Array.isArray(v) || v.length > max) return NO;
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const parsed = entry(v[i]);
      if (parsed === NO) return NO;
      if (parsed !== v[i]) (out ??= v.slice(0, i))[i] = parsed;
      else if (out) out[i] = parsed;
    }
    return out ?? v;
  };

/** The keys of a zod object schema, through `.default()`, `.optional()`, `.nullable()` and arrays. */
function shapeKeys(schema: unknown): string[] | null {
  let s = schema as { _zod?: { def?: { type?: string; innerType?: unknown; element?: unknown; shape?: object } } };
  for (let i = 0; i < 8 && s?._zod?.def; i++) {
    const def = s._zod.def;
    if (def.type === 'object') return Object.keys(def.shape ?? {});
    s = (def.innerType ?? def.element) as typeof s;
  }
  return null;
}

/**
 * A strict object with exactly `fields`' keys (optional ones may be absent), each valid, and then `rule`: answered as
 * is when its keys come in `fields`' order and no field's value changed, else rebuilt in that order (zod's).
 * Off (always NO) when the zod schema's keys are not exactly the ones checked here.
 */
function object(schema: unknown, fields: Record<string, Field>, rule?: (v: Record_) => boolean): Parse {
  const keys = Object.keys(fields);
  const zodKeys = shapeKeys(schema);
  if (!zodKeys || zodKeys.length !== keys.length || zodKeys.some((k, i) => k !== keys[i])) return () => NO;
  const specs = keys.map((key) => {
    const { check, parse, optional = false } = fields[key]!;
    const asParse: Parse = parse ? (check as Parse) : (v) => ((check as Check)(v) ? v : NO);
    return { key, parse: asParse, optional };
  });
  return (v) => {
    if (!isObject(v)) return NO;
    const present = Object.keys(v);
    let at = 0;
    let asIs = true;
    const parsed: unknown[] = new Array(specs.length);
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      if (!Object.hasOwn(v, spec.key)) {
        if (spec.optional) continue;
        return NO;
      }
      const value = v[spec.key];
      const out = spec.parse(value);
      if (out === NO) return NO;
      if (present[at] !== spec.key || out !== value) asIs = false;
      parsed[i] = out;
      at++;
    }
    if (at !== present.length) return NO;
    let result: Record_ = v;
    if (!asIs) {
      result = {};
      for (let i = 0; i < specs.length; i++) if (Object.hasOwn(v, specs[i]!.key)) result[specs[i]!.key] = parsed[i];
    }
    return !rule || rule(result) ? result : NO;
  };
}

type ChartSchema = typeof storedChartSchema;
/** The entry schema of one of the chart's lists (through `.default()`). */
const entryOf = (chart: ChartSchema, field: keyof ChartSchema['shape']): unknown => {
  let s = chart.shape[field] as unknown as { _zod: { def: { innerType?: unknown; element?: unknown } } };
  while (!s._zod.def.element) s = s._zod.def.innerType as typeof s;
  return s._zod.def.element;
};
const entryId = pattern(ENTRY_ID);
const code = object((entryOf(storedChartSchema, 'illnesses') as { shape: { codes: unknown } }).shape.codes, {
  system: { check: text(300) },
  code: { check: text(200, 1) },
  display: { check: text(500) },
});
const codes = list(20, code);

/** The chart's own rules (chart.ts): one current doctor at most, entry ids unique within each list. */
function chartRule(c: Record_): boolean {
  let current = 0;
  for (const d of c.doctors as Record_[])
    if (d.role === 'current' && d.status === 'active' && ++current > 1) return false;
  for (const name of CHART_LISTS) {
    const ids = new Set<unknown>();
    for (const entry of c[name] as Record_[]) {
      if (ids.has(entry.id)) return false;
      ids.add(entry.id);
    }
  }
  return true;
}

/**
 * The fast parse of chartSchemas(check)'s chart (chart.ts): the two checks differ only in the dates a doctor cannot
 * enter in the future (`date(label, { notFuture: true, check })`), which 'input' holds to `today`.
 */
export function chartParse(schema: ChartSchema, check: ChartCheck): Parse {
  const past = (required = false) => date(required, check === 'input');
  const patient = object(
    schema.shape.patient,
    {
      name: { check: text(200, 1) },
      given: { check: text(200) },
      family: { check: text(200) },
      birthDate: { check: past() },
      age: { check: age },
      gender: { check: choice(GENDERS) },
      visitDate: { check: past(true) },
      phone: { check: text(100) },
      email: { check: text(200) },
      address: { check: text(500) },
    },
    (p) =>
      !(p.birthDate === '' && p.age === null) &&
      !(
        isIsoDate(p.birthDate as string) &&
        isIsoDate(p.visitDate as string) &&
        (p.visitDate as string) < (p.birthDate as string)
      ),
  );

  const entries = {
    doctors: object(entryOf(schema, 'doctors'), {
      id: { check: entryId },
      name: { check: text(200, 1) },
      specialty: { check: text(200) },
      signKey: { check: optionalKey },
      role: { check: choice(DOCTOR_ROLES) },
      status: { check: choice(DOCTOR_STATUSES) },
    }),
    illnesses: object(entryOf(schema, 'illnesses'), {
      id: { check: entryId },
      condition: { check: text(300, 1) },
      codes: { check: codes, parse: true },
      symptoms: { check: text(2000) },
      onset: { check: past() },
      status: { check: choice(ILLNESS_STATUSES) },
    }),
    medications: object(
      entryOf(schema, 'medications'),
      {
        id: { check: entryId },
        name: { check: text(300, 1) },
        codes: { check: codes, parse: true },
        dose: { check: text(100) },
        route: { check: choice(ROUTES) },
        frequency: { check: text(100) },
        dosageText: { check: text(500) },
        start: { check: date() },
        end: { check: date() },
        status: { check: choice(MEDICATION_STATUSES) },
        prescribedBy: { check: text(200) },
      },
      (m) => !(isIsoDate(m.start as string) && isIsoDate(m.end as string) && (m.end as string) < (m.start as string)),
    ),
    visits: object(entryOf(schema, 'visits'), {
      id: { check: entryId },
      date: { check: past() },
      reason: { check: text(500) },
      notes: { check: text(20000) },
      doctor: { check: text(200) },
      status: { check: choice(VISIT_STATUSES) },
    }),
    allergies: object(entryOf(schema, 'allergies'), {
      id: { check: entryId },
      substance: { check: text(300, 1) },
      codes: { check: codes, parse: true },
      type: { check: choice(ALLERGY_TYPES) },
      criticality: { check: choice(ALLERGY_CRITICALITIES) },
      reaction: { check: text(1000) },
      onset: { check: past() },
      status: { check: choice(ALLERGY_STATUSES) },
    }),
    immunizations: object(entryOf(schema, 'immunizations'), {
      id: { check: entryId },
      vaccine: { check: text(300, 1) },
      codes: { check: codes, parse: true },
      date: { check: past() },
      status: { check: choice(IMMUNIZATION_STATUSES) },
    }),
    procedures: object(entryOf(schema, 'procedures'), {
      id: { check: entryId },
      procedure: { check: text(300, 1) },
      codes: { check: codes, parse: true },
      date: { check: past() },
      status: { check: choice(PROCEDURE_STATUSES) },
    }),
    results: object(entryOf(schema, 'results'), {
      id: { check: entryId },
      category: { check: choice(RESULT_CATEGORIES) },
      test: { check: text(300, 1) },
      codes: { check: codes, parse: true },
      value: { check: text(200) },
      unit: { check: text(50) },
      date: { check: past() },
      status: { check: choice(RESULT_STATUSES) },
    }),
  } satisfies Record<(typeof CHART_LISTS)[number], Parse>;

  return object(
    schema,
    {
      patient: { check: patient, parse: true },
      doctors: { check: list(200, entries.doctors), parse: true },
      illnesses: { check: list(1000, entries.illnesses), parse: true },
      medications: { check: list(1000, entries.medications), parse: true },
      visits: { check: list(5000, entries.visits), parse: true },
      allergies: { check: list(1000, entries.allergies), parse: true },
      immunizations: { check: list(1000, entries.immunizations), parse: true },
      procedures: { check: list(1000, entries.procedures), parse: true },
      results: { check: list(5000, entries.results), parse: true },
    },
    chartRule,
  );
}

const chart = chartParse(storedChartSchema, 'stored');
const inputChart = chartParse(chartSchema, 'input');

/**
 * The fast parse of chart.ts's `chartSchema` (what a doctor enters now, or an import: validate.ts): the chart as zod
 * outputs it, or NO (zod decides). Reads today's date as zod does (todayIso()), once for the chart.
 */
export function chartFastParse(value: unknown): unknown {
  today = todayIso();
  return inputChart(value);
}

/** Builds the fast parse for payloadSchema and the version it outputs (payload.ts passes them: no import cycle). */
export function payloadFastParse(payloadSchema: z.ZodType, version: number): Parse {
  const payloadShape = (payloadSchema as unknown as { shape: Record<string, unknown> }).shape;
  const keyPair = { signKey: { check: pattern(BASE58_KEY) }, boxKey: { check: pattern(BASE58_KEY) } };
  const named = { ...keyPair, name: { check: rawText(200) } };
  const authorityKey = { authority: { check: pattern(HEX64) }, boxKey: { check: pattern(BASE58_KEY) } };
  const patientKeys = object(payloadShape.patient, keyPair);
  const doctor = object(payloadShape.doctors, named);
  return object(payloadSchema, {
    v: { check: (v) => v === version },
    chart: { check: chart, parse: true },
    patient: { check: (v) => (v === null ? v : patientKeys(v)), parse: true },
    custodian: { check: object(payloadShape.custodian, named), parse: true },
    doctors: { check: list(500, doctor), parse: true },
    note: { check: rawText(500), optional: true },
    movedTo: { check: pattern(HEX64), optional: true },
    recovery: { check: object(payloadShape.recovery, authorityKey), parse: true, optional: true },
    emergency: { check: object(payloadShape.emergency, authorityKey), parse: true, optional: true },
  });
}

/** The fast accept: a payload already exactly in zod's output shape and order (what v1's writer writes). */
export function payloadFastAccept(payloadSchema: z.ZodType, version: number): Check {
  const parse = payloadFastParse(payloadSchema, version);
  return (v) => parse(v) === v;
}

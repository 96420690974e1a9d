// A fast accept for decodePayload: a payload already in the exact shape payloadSchema outputs (v 2, every defaulted
// field present, strings already trimmed, keys in the schema's order, nothing extra) and valid by every rule of the
// schema is returned as parsed. zod's safeParse cost ~25–35 µs a version on the main thread of a cold list (8 % of
// its CPU at 10,000 charts, docs/BENCHMARKS.md "helper list12g"); this check costs a few. Anything else — a v1 payload,
// untrimmed text, a missing default, any doubt — answers false and zod decides, so the verdicts and the values are
// zod's: accepting here implies zod accepts and outputs a deep-equal value in the same key order
// (payload-fast-accept.test.ts checks that over generated and mutated payloads, at every limit below).
// The keys are read from the zod schemas themselves: a field added there that this file does not check turns the fast
// accept off for that object (it then always defers to zod) rather than letting the field through unchecked.
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
  storedChartSchema,
} from './chart';
import { dateError, isIsoDate } from './dates';
import { BASE58_KEY, HEX64 } from '../ledger/patterns';

type Check = (value: unknown) => boolean;
type Record_ = Record<string, unknown>;

/** A field: its check, and whether the schema lets it be absent (`.optional()`: absent in, absent out). */
interface Field {
  check: Check;
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
/** `date()` of chart.ts as read back from the ledger ('stored': shape only, no "not in the future"). */
const date =
  (required = false): Check =>
  (v) =>
    isString(v) && v.trim() === v && (v === '' ? !required : dateError(v) === null);
const optionalKey: Check = (v) => isString(v) && v.trim() === v && (v === '' || BASE58_KEY.test(v));
const age: Check = (v) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 150);
const isObject = (v: unknown): v is Record_ => typeof v === 'object' && v !== null && !Array.isArray(v);
const list =
  (max: number, entry: Check): Check =>
  (v) =>
    Array.isArray(v) && v.length <= max && v.every(entry);

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
 * A strict object whose keys come in `fields`' order (optional ones may be absent), each valid, and then `rule`.
 * Off (always false) when the zod schema's keys are not exactly the ones checked here.
 */
function object(schema: unknown, fields: Record<string, Field>, rule?: (v: Record_) => boolean): Check {
  const keys = Object.keys(fields);
  const zodKeys = shapeKeys(schema);
  if (!zodKeys || zodKeys.length !== keys.length || zodKeys.some((k, i) => k !== keys[i])) return () => false;
  const specs = keys.map((key) => ({ key, ...fields[key]! }));
  return (v) => {
    if (!isObject(v)) return false;
    const present = Object.keys(v);
    let at = 0;
    for (const spec of specs) {
      if (present[at] !== spec.key) {
        if (spec.optional) continue;
        return false;
      }
      if (!spec.check(v[spec.key])) return false;
      at++;
    }
    return at === present.length && (!rule || rule(v));
  };
}

const chartShape = storedChartSchema.shape;
const entryOf = (field: keyof typeof chartShape): unknown => {
  let s = chartShape[field] as unknown as { _zod: { def: { innerType?: unknown; element?: unknown } } };
  while (!s._zod.def.element) s = s._zod.def.innerType as typeof s;
  return s._zod.def.element;
};
const entryId = pattern(ENTRY_ID);
const code = object((entryOf('illnesses') as { shape: { codes: unknown } }).shape.codes, {
  system: { check: text(300) },
  code: { check: text(200, 1) },
  display: { check: text(500) },
});
const codes = list(20, code);

const patient = object(
  chartShape.patient,
  {
    name: { check: text(200, 1) },
    given: { check: text(200) },
    family: { check: text(200) },
    birthDate: { check: date() },
    age: { check: age },
    gender: { check: choice(GENDERS) },
    visitDate: { check: date(true) },
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
  doctors: object(entryOf('doctors'), {
    id: { check: entryId },
    name: { check: text(200, 1) },
    specialty: { check: text(200) },
    signKey: { check: optionalKey },
    role: { check: choice(DOCTOR_ROLES) },
    status: { check: choice(DOCTOR_STATUSES) },
  }),
  illnesses: object(entryOf('illnesses'), {
    id: { check: entryId },
    condition: { check: text(300, 1) },
    codes: { check: codes },
    symptoms: { check: text(2000) },
    onset: { check: date() },
    status: { check: choice(ILLNESS_STATUSES) },
  }),
  medications: object(
    entryOf('medications'),
    {
      id: { check: entryId },
      name: { check: text(300, 1) },
      codes: { check: codes },
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
  visits: object(entryOf('visits'), {
    id: { check: entryId },
    date: { check: date() },
    reason: { check: text(500) },
    notes: { check: text(20000) },
    doctor: { check: text(200) },
    status: { check: choice(VISIT_STATUSES) },
  }),
  allergies: object(entryOf('allergies'), {
    id: { check: entryId },
    substance: { check: text(300, 1) },
    codes: { check: codes },
    type: { check: choice(ALLERGY_TYPES) },
    criticality: { check: choice(ALLERGY_CRITICALITIES) },
    reaction: { check: text(1000) },
    onset: { check: date() },
    status: { check: choice(ALLERGY_STATUSES) },
  }),
  immunizations: object(entryOf('immunizations'), {
    id: { check: entryId },
    vaccine: { check: text(300, 1) },
    codes: { check: codes },
    date: { check: date() },
    status: { check: choice(IMMUNIZATION_STATUSES) },
  }),
  procedures: object(entryOf('procedures'), {
    id: { check: entryId },
    procedure: { check: text(300, 1) },
    codes: { check: codes },
    date: { check: date() },
    status: { check: choice(PROCEDURE_STATUSES) },
  }),
  results: object(entryOf('results'), {
    id: { check: entryId },
    category: { check: choice(RESULT_CATEGORIES) },
    test: { check: text(300, 1) },
    codes: { check: codes },
    value: { check: text(200) },
    unit: { check: text(50) },
    date: { check: date() },
    status: { check: choice(RESULT_STATUSES) },
  }),
} satisfies Record<(typeof CHART_LISTS)[number], Check>;

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

const chart = object(
  storedChartSchema,
  {
    patient: { check: patient },
    doctors: { check: list(200, entries.doctors) },
    illnesses: { check: list(1000, entries.illnesses) },
    medications: { check: list(1000, entries.medications) },
    visits: { check: list(5000, entries.visits) },
    allergies: { check: list(1000, entries.allergies) },
    immunizations: { check: list(1000, entries.immunizations) },
    procedures: { check: list(1000, entries.procedures) },
    results: { check: list(5000, entries.results) },
  },
  chartRule,
);

/** Builds the fast accept for payloadSchema and the version it outputs (payload.ts passes them: no import cycle). */
export function payloadFastAccept(payloadSchema: z.ZodType, version: number): Check {
  const payloadShape = (payloadSchema as unknown as { shape: Record<string, unknown> }).shape;
  const keyPair = { signKey: { check: pattern(BASE58_KEY) }, boxKey: { check: pattern(BASE58_KEY) } };
  const named = { ...keyPair, name: { check: rawText(200) } };
  const authorityKey = { authority: { check: pattern(HEX64) }, boxKey: { check: pattern(BASE58_KEY) } };
  const patientKeys = object(payloadShape.patient, keyPair);
  const doctor = object(payloadShape.doctors, named);
  return object(payloadSchema, {
    v: { check: (v) => v === version },
    chart: { check: chart },
    patient: { check: (v) => v === null || patientKeys(v) },
    custodian: { check: object(payloadShape.custodian, named) },
    doctors: { check: list(500, doctor) },
    note: { check: rawText(500), optional: true },
    movedTo: { check: pattern(HEX64), optional: true },
    recovery: { check: object(payloadShape.recovery, authorityKey), optional: true },
    emergency: { check: object(payloadShape.emergency, authorityKey), optional: true },
  });
}

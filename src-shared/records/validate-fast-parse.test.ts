// validateChart's fast parse (chartFastParse, payload-fast-accept.ts) may only answer where zod accepts, with zod's
// value in zod's key order: checked over the charts a doctor and the FHIR import give and every single mutation of
// them (each leaf replaced by values at and around every limit, dates around today, untrimmed text, keys removed,
// moved, added), zod (the input chartSchema) as the oracle. And validateChart answers exactly what zod alone answers.
import { describe, expect, it } from 'vitest';
import { judgeParseByZod } from '../../test/fixtures/zod-oracle';
import { prng } from '../../test/fixtures/prng';
import { fullSampleChart, sampleChart, sampleChartWithMedications } from '../../test/fixtures/sample-chart';
import { ALLERGY_TYPES, chartSchema, GENDERS, RESULT_CATEGORIES, ROUTES, type Chart } from './chart';
import { todayIso } from './dates';
import { chartToFhir, fhirToChart } from './fhir';
import { chartFastParse, chartParse, NO } from './payload-fast-accept';
import { toFieldErrors, validateChart, validateOwnChart } from './validate';
import { clone, singleMutations } from '../../test/fixtures/single-mutations';

const DAY = 86_400_000;
const today = () => todayIso();
const dayFrom = (days: number) => todayIso(new Date(Date.now() + days * DAY));

/** What the FHIR import validates: the chart fhirToChart builds from chartToFhir's bundle. */
function imported(chart: Chart): Chart {
  const bundle = chartToFhir({ chartId: 'c'.repeat(64), chart, versions: [] });
  const result = fhirToChart(JSON.parse(JSON.stringify(bundle)));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.chart;
}

/** A chart with random lists (entries of the full sample) and every date a doctor enters set near today. */
function generated(seed: number): Chart {
  const random = prng(seed);
  const full = fullSampleChart(`Patient ${seed}`);
  const near = () => dayFrom(-Math.floor(random() * 3));
  const pick = <T extends { id: string }>(entries: T[], n: number) =>
    Array.from({ length: n }, (_, i) => ({ ...entries[i % entries.length]!, id: `e${i}` }));
  const chart: Chart = {
    ...full,
    patient: { ...full.patient, birthDate: random() < 0.3 ? '' : '1960-01-01', age: 66, visitDate: near() },
    illnesses: pick(full.illnesses, Math.floor(random() * 3)).map((e) => ({ ...e, onset: near() })),
    medications: pick(full.medications, Math.floor(random() * 4)),
    visits: pick(full.visits, Math.floor(random() * 3)).map((e) => ({ ...e, date: near() })),
    allergies: pick(full.allergies, Math.floor(random() * 2)).map((e) => ({ ...e, onset: near() })),
    results: pick(full.results, Math.floor(random() * 3)).map((e) => ({ ...e, date: near() })),
  };
  return chartSchema.parse(chart);
}

function bases(): Chart[] {
  return [
    sampleChart(),
    fullSampleChart(),
    imported(sampleChart()),
    imported(fullSampleChart()),
    imported(sampleChartWithMedications('Imported With Medications', 3)),
    ...[1, 2, 3].map(generated),
  ];
}

const lengths = [0, 1, 2, 49, 50, 51, 63, 64, 65, 99, 100, 101, 199, 200, 201, 299, 300, 301, 499, 500, 501];
/** Values a leaf is replaced by: every limit ±1, padded text, dates at the edges and around today, enums, types. */
function replacements(): unknown[] {
  return [
    ...lengths.map((n) => 'a'.repeat(n)),
    ...lengths.filter((n) => n > 0).map((n) => ` ${'b'.repeat(n - 1)}`),
    'a'.repeat(999),
    'a'.repeat(1000),
    'a'.repeat(1001),
    'a'.repeat(2000),
    'a'.repeat(2001),
    'a'.repeat(20000),
    'a'.repeat(20001),
    'x ',
    '\tx',
    'x\n',
    ' ',
    '\u00a0x',
    'x\u2028',
    dayFrom(-1),
    today(),
    dayFrom(1),
    ` ${today()}`,
    `${dayFrom(1)} `,
    '2024-02-29',
    '2023-02-29',
    '1850-01-01',
    '1849-12-31',
    '2024-13-01',
    '2024-04-31',
    '2024-4-01',
    '9999-12-31',
    '7i9DaiYp7752wxAGL77AL3dZiETaBtwoorNUzFvKAf91',
    '0OIl9DaiYp7752wxAGL77AL3dZiETaBtwoorNUzFvKAf91',
    'd1',
    'bad id',
    ...GENDERS,
    ...ROUTES.slice(0, 2),
    ...ALLERGY_TYPES,
    ...RESULT_CATEGORIES,
    'active',
    'entered-in-error',
    'current',
    null,
    undefined,
    0,
    -1,
    1.5,
    150,
    151,
    true,
    [],
    {},
  ];
}

/** Every single mutation of `base` (test/fixtures/single-mutations.ts), then the cross-field rules broken. */
function* mutations(base: Chart, values = replacements()): Generator<unknown> {
  yield* singleMutations(base, values);
  // The cross-field rules: two current doctors, an id used twice, dates in the wrong order, every future date at once.
  const chart = (f: (c: Chart) => void) => {
    const m = clone(base);
    f(m);
    return m;
  };
  yield chart((c) => c.doctors.forEach((d) => ((d.role = 'current'), (d.status = 'active'))));
  yield chart((c) => c.illnesses.push(...c.illnesses));
  yield chart((c) => c.medications.forEach((m) => ((m.start = dayFrom(1)), (m.end = dayFrom(2)))));
  yield chart((c) => c.medications.forEach((m) => ((m.start = '2020-01-02'), (m.end = '2020-01-01'))));
  yield chart((c) => ((c.patient.birthDate = today()), (c.patient.visitDate = dayFrom(-1))));
  yield chart((c) => ((c.patient.birthDate = today()), (c.patient.visitDate = today())));
  yield chart((c) => ((c.patient.birthDate = ''), (c.patient.age = null)));
  yield chart((c) => (c.illnesses = Array.from({ length: 1001 }, (_, i) => ({ ...c.illnesses[0]!, id: `i${i}` }))));
  yield chart((c) => (c.illnesses = Array.from({ length: 1000 }, (_, i) => ({ ...c.illnesses[0]!, id: `i${i}` }))));
  yield chart((c) => c.illnesses[0] && (c.illnesses[0].codes = Array(21).fill({ system: '', code: 'c', display: '' })));
  yield chart((c) => c.illnesses[0] && (c.illnesses[0].codes = Array(20).fill({ system: '', code: 'c', display: '' })));
  for (const day of [dayFrom(-1), today(), dayFrom(1)])
    yield chart((c) => {
      c.patient.visitDate = day;
      for (const list of [c.illnesses, c.allergies] as { onset: string }[][]) for (const e of list) e.onset = day;
      for (const list of [c.visits, c.immunizations, c.procedures, c.results] as { date: string }[][])
        for (const e of list) e.date = day;
    });
}

/** The inputs as validateChart sees them from JSON (IPC, an import), a FHIR-imported shape among the bases. */
function* allMutations(): Generator<unknown> {
  for (const base of bases()) for (const m of mutations(base)) yield clone(m);
}

describe("validateChart's fast parse (the input chart schema)", () => {
  it('answers the charts a doctor and the FHIR import give, as is, and zod gives the same value', () => {
    for (const base of bases()) {
      const input = clone(base);
      expect(chartFastParse(input)).toBe(input);
      expect(JSON.stringify(chartSchema.parse(clone(base)))).toBe(JSON.stringify(base));
    }
  });

  it('a date of today is accepted as zod accepts it, tomorrow goes to zod, which refuses it', () => {
    const chart = clone(fullSampleChart());
    chart.results[0]!.date = today();
    expect(chartFastParse(chart)).toBe(chart);
    expect(chartSchema.safeParse(clone(chart)).success).toBe(true);
    chart.results[0]!.date = dayFrom(1);
    expect(chartFastParse(chart)).toBe(NO);
    expect(validateChart(chart)).toEqual({
      ok: false,
      errors: [{ path: 'results.0.date', message: 'Date cannot be in the future' }],
    });
    // A stored chart may hold it (its writer's day): the payload's chart parse is the stored schema's, unchanged.
    expect(chartParse(chartSchema, 'stored')(chart)).toBe(chart);
  });

  it("validateChart answers a chart of its own, as zod did: the caller's later edits change nothing kept", () => {
    const chart = clone(fullSampleChart());
    expect(chartFastParse(chart)).toBe(chart);
    const answered = validateChart(chart);
    if (!answered.ok) throw new Error('the sample chart is valid');
    expect(answered.chart).not.toBe(chart);
    expect(answered.chart).toEqual(chart);
    chart.illnesses[0]!.status = 'resolved';
    chart.medications[0]!.dose = '1000 mg';
    expect(answered.chart.illnesses[0]!.status).not.toBe('resolved');
    expect(answered.chart.medications[0]!.dose).not.toBe('1000 mg');
    // The FHIR import's own chart is answered as is (nobody else holds it).
    const own = clone(fullSampleChart());
    expect(validateOwnChart(own)).toEqual({ ok: true, chart: own });
    expect((validateOwnChart(own) as { chart: unknown }).chart).toBe(own);
  });

  it('never answers where zod refuses, and answers zod’s value and key order where it accepts (every mutation)', () => {
    const { accepted, deferred, refused } = judgeParseByZod(chartFastParse, NO, chartSchema, allMutations());
    // The generator reaches all three outcomes in numbers (one that produced nothing would prove nothing).
    expect(accepted).toBeGreaterThan(5000);
    expect(refused).toBeGreaterThan(5000);
    expect(deferred).toBeGreaterThan(1000);
  });

  it('validateChart answers exactly what zod alone answers: the value, or the same field errors', () => {
    let checked = 0;
    for (const base of [fullSampleChart(), imported(fullSampleChart())]) {
      for (const mutated of mutations(base)) {
        const input = clone(mutated);
        const zod = chartSchema.safeParse(clone(input));
        const ours = validateChart(input);
        if (zod.success) expect(ours.ok && JSON.stringify(ours.chart)).toBe(JSON.stringify(zod.data));
        else expect(ours).toEqual({ ok: false, errors: toFieldErrors(zod.error.issues) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('the oracle catches a fast parse without the not-in-the-future rule', () => {
    // The stored schema's parse is the input one less that rule: judged against the input schema, it must fail.
    const broken = chartParse(chartSchema, 'stored');
    expect(() => judgeParseByZod(broken, NO, chartSchema, mutations(fullSampleChart()))).toThrow();
    expect(() => judgeParseByZod(broken, NO, chartSchema, mutations(imported(sampleChart())))).toThrow();
  });
});

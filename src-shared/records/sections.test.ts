// The tabs (sections.ts) and the chart schema (chart.ts) describe the same fields: each must name exactly the
// schema's fields, call a field required exactly when the schema refuses it empty, and offer exactly the schema's
// choices. Labels may differ (a form's "Age (years)" is the schema's "Age").
import { describe, expect, it } from 'vitest';
import { CODE_SYSTEMS, chartSchema, type Chart } from './chart';
import { CODE_SYSTEM_URI } from './code-edits';
import { fullSampleChart as sampleChart } from '../../test/fixtures/sample-chart';
import { chartSections } from './sections';

type Node = { shape?: Record<string, unknown>; element?: { shape: Record<string, unknown> }; unwrap?: () => Node };
/** A list added in payload v2 defaults to [] (so v1 charts read): look through the default to the list. */
function listNode(path: string): Node {
  const node = (chartSchema as unknown as { shape: Record<string, Node> }).shape[path]!;
  return node.element || node.shape ? node : node.unwrap!();
}

/** The schema's field names of a section: the patient object, or one list entry. */
function schemaKeys(path: string): string[] {
  const node = listNode(path);
  const shape = node.element?.shape ?? node.shape!;
  return Object.keys(shape).filter((k) => k !== 'id');
}

/** Does the schema refuse the sample chart with this field emptied (or, for a choice, set to nothing)? */
function refusesEmpty(path: string, key: string): boolean {
  const chart = sampleChart() as Chart & Record<string, unknown>;
  const target = (Array.isArray(chart[path]) ? (chart[path] as Record<string, unknown>[])[0] : chart[path]) as Record<
    string,
    unknown
  >;
  // The one rule across fields: a date of birth or an age. Each is optional when the other is given.
  if (path === 'patient' && key === 'birthDate') target.age = 40;
  target[key] = Array.isArray(target[key]) ? [] : typeof target[key] === 'number' || target[key] === null ? null : '';
  const result = chartSchema.safeParse(chart);
  return !result.success && result.error.issues.some((i) => i.path.includes(key));
}

describe('chart sections and the chart schema', () => {
  for (const section of chartSections) {
    it(`${section.title}: same fields as the schema`, () => {
      expect(section.fields.map((f) => f.key).sort()).toEqual(schemaKeys(section.path).sort());
    });

    it(`${section.title}: a field is required exactly when the schema refuses it empty`, () => {
      for (const field of section.fields) {
        expect({ field: field.key, required: refusesEmpty(section.path, field.key) }).toEqual({
          field: field.key,
          required: field.required,
        });
      }
    });

    it(`${section.title}: a choice offers exactly the schema's values`, () => {
      for (const field of section.fields.filter((f) => f.kind === 'select')) {
        const node = listNode(section.path);
        const values = ((node.element?.shape ?? node.shape!)[field.key] as { options: string[] }).options;
        expect(field.options?.map((o) => o.value)).toEqual(values);
      }
    });
  }
});

describe('coded entries', () => {
  it('every codes field offers named systems by URI, the usual one first (what a new code starts with)', () => {
    const coded = chartSections.flatMap((s) =>
      s.fields.filter((f) => f.kind === 'codes').map((f) => [s.id, f] as const),
    );
    expect(coded.map(([id]) => id)).toEqual([
      'illness',
      'medication',
      'allergies',
      'immunizations',
      'procedures',
      'results',
    ]);
    for (const [id, field] of coded) {
      expect(field.codeSystems?.length, id).toBeGreaterThan(0);
      for (const uri of field.codeSystems!) {
        expect(CODE_SYSTEM_URI.test(uri), uri).toBe(true);
        expect(CODE_SYSTEMS[uri], uri).toBeDefined();
      }
    }
    const first = Object.fromEntries(coded.map(([id, f]) => [id, CODE_SYSTEMS[f.codeSystems![0]!]]));
    expect(first).toMatchObject({
      illness: 'SNOMED CT',
      medication: 'RxNorm',
      allergies: 'SNOMED CT',
      results: 'LOINC',
    });
  });
});

// The fast first pass (fhir-validation-fast.ts) never changes a verdict: over every example resource in @medplum/mock,
// the chart exports (FHIR and IPS), bundles shaped as the import benchmark writes them, inputs only an invariant
// refuses, and thousands of mutations of all of these, fhirStructureErrors gives exactly the errors (path + message) of
// @medplum/core's validateResource, and the fast pass says "valid" only where validateResource finds no error.
import { describe, expect, it } from 'vitest';
import type { Resource } from '@medplum/fhirtypes';
import * as mock from '@medplum/mock';
import { chartToFhir, chartToIps } from '../../src-shared/records/fhir';
import { fullSampleChart, sampleChart } from '../../test/fixtures/sample-chart';
import { surelyValidFhir } from './fhir-validation-fast';
import { ensureIndexedFor, fhirStructureErrors, medplumStructureErrors } from './fhir-validation';
import { invariantMemoStats, readsOf } from './fhir-invariant-memo';
import { parseFhirPath } from '@medplum/core';
import { prng } from '../../test/fixtures/prng';

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);
const collection = (...resources: object[]): Json => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: resources.map((resource) => ({ resource: clone(resource) })),
});

const examples = Object.entries(mock as Record<string, unknown>).filter(
  (e): e is [string, Resource] =>
    typeof e[1] === 'object' && e[1] !== null && typeof (e[1] as Resource).resourceType === 'string',
);
const patient = { resourceType: 'Patient', id: 'p', name: [{ text: 'A B' }] };
const observation = {
  resourceType: 'Observation',
  id: 'o',
  status: 'final',
  code: { text: 'Heart rate' },
  subject: { reference: 'Patient/p' },
};

/** Structurally sound inputs that an invariant (FHIRPath) refuses, or that sit just beside one. */
const invariantCases: { name: string; input: Json }[] = [
  {
    name: 'pat-1: a contact with no details',
    input: { ...patient, contact: [{ relationship: [{ text: 'sister' }] }] },
  },
  { name: 'pat-1 met', input: { ...patient, contact: [{ name: { text: 'C D' } }] } },
  {
    name: 'obs-6: value and dataAbsentReason',
    input: { ...observation, valueString: 'x', dataAbsentReason: { text: 'y' } },
  },
  {
    name: 'obs-7: component code equals code',
    input: { ...observation, valueString: 'x', component: [{ code: { text: 'Heart rate' }, valueString: 'x' }] },
  },
  { name: 'obs-3: empty reference range', input: { ...observation, referenceRange: [{ type: { text: 'normal' } }] } },
  {
    name: 'ext-1: value and extension',
    input: {
      ...patient,
      extension: [{ url: 'https://x.invalid/a', valueString: 'v', extension: [{ url: 'b', valueString: 'w' }] }],
    },
  },
  { name: 'ext-1: neither', input: { ...patient, extension: [{ url: 'https://x.invalid/a' }] } },
  {
    name: 'per-1: end before start',
    input: {
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      period: { start: '2020-02-01', end: '2020-01-01' },
    },
  },
  {
    name: 'ref-1: contained reference not contained',
    input: { ...patient, generalPractitioner: [{ reference: '#nobody' }] },
  },
  {
    name: 'ref-1 met',
    input: {
      ...patient,
      contained: [{ resourceType: 'Practitioner', id: 'dr' }],
      generalPractitioner: [{ reference: '#dr' }],
    },
  },
  {
    name: 'dom-2: nested contained',
    input: {
      ...patient,
      contained: [
        { resourceType: 'Practitioner', id: 'dr', contained: [{ resourceType: 'Organization', id: 'o', name: 'X' }] },
      ],
      generalPractitioner: [{ reference: '#dr' }],
    },
  },
  {
    name: 'dom-4: contained with versionId',
    input: {
      ...patient,
      contained: [{ resourceType: 'Practitioner', id: 'dr', meta: { versionId: '1' } }],
      generalPractitioner: [{ reference: '#dr' }],
    },
  },
  {
    name: 'dom-3 (skipped): contained but not referenced',
    input: { ...patient, contained: [{ resourceType: 'Practitioner', id: 'dr' }] },
  },
  { name: 'org-1 (skipped): organization with nothing', input: { resourceType: 'Organization', active: true } },
  { name: 'cpt-2: value without system', input: { ...patient, telecom: [{ value: '+1 555 0100' }] } },
  { name: 'qty-3: code without system', input: { ...observation, valueQuantity: { value: 60, code: '/min' } } },
  {
    name: 'con-4: abated but active',
    input: {
      resourceType: 'Condition',
      subject: { reference: 'Patient/p' },
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      abatementDateTime: '2020-01-01',
    },
  },
  {
    name: 'con-5: entered in error with a clinical status',
    input: {
      resourceType: 'Condition',
      subject: { reference: 'Patient/p' },
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }],
      },
    },
  },
  {
    name: 'ait-2: entered in error with a clinical status',
    input: {
      resourceType: 'AllergyIntolerance',
      patient: { reference: 'Patient/p' },
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
      },
      verificationStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'entered-in-error' },
        ],
      },
    },
  },
  {
    name: 'tim-1: duration without unit',
    input: {
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationCodeableConcept: { text: 'x' },
      subject: { reference: 'Patient/p' },
      dosage: [{ timing: { repeat: { duration: 2 } } }],
    },
  },
  {
    name: 'txt: narrative',
    input: { ...patient, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">A</div>' } },
  },
  { name: 'txt: narrative not xhtml', input: { ...patient, text: { status: 'generated', div: '<p>A</p>' } } },
  {
    name: 'bdl-11: document without a Composition',
    input: {
      resourceType: 'Bundle',
      type: 'document',
      identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:5f0c3d1e-2b7a-4c1e-9a55-0d6a3c2b1f00' },
      timestamp: '2020-01-01T00:00:00Z',
      entry: [{ fullUrl: 'urn:uuid:3bd3a8f2-5e8e-4b69-9e3e-4e2a3c5f9b10', resource: patient }],
    },
  },
  {
    name: 'bdl-7: duplicate fullUrl',
    input: {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:x:1', resource: patient },
        { fullUrl: 'urn:x:1', resource: patient },
      ],
    },
  },
  {
    name: 'bdl-3: request in a collection',
    input: {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: patient, request: { method: 'POST', url: 'Patient' } }],
    },
  },
  { name: 'resource with a numeric value (typed as a Quantity)', input: { ...patient, value: 3 } },
  { name: 'resourceType on a data type', input: { ...patient, name: [{ resourceType: 'HumanName', text: 'A' }] } },
  {
    name: 'primitive extension',
    input: {
      ...patient,
      birthDate: '1970-01-01',
      _birthDate: { extension: [{ url: 'https://x.invalid/a', valueString: 'v' }] },
    },
  },
  { name: 'two values for one choice', input: { ...observation, valueString: 'x', valueBoolean: true } },
  {
    name: 'two values for one choice, the second wrong',
    input: { ...observation, valueString: 'x', valueBoolean: 'yes' },
  },
  { name: 'an integer with a fraction', input: { ...patient, multipleBirthInteger: 1.5 } },
  {
    name: 'a positiveInt of 0',
    input: {
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationCodeableConcept: { text: 'x' },
      subject: { reference: 'Patient/p' },
      dosage: [{ sequence: 1, timing: { repeat: { count: 0 } } }],
    },
  },
  {
    name: 'an unsignedInt below 0',
    input: {
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationCodeableConcept: { text: 'x' },
      subject: { reference: 'Patient/p' },
      dosage: [{ timing: { repeat: { period: 1, periodUnit: 'd', frequency: 1, when: ['MORN'], offset: -5 } } }],
    },
  },
  { name: 'a decimal that is a string', input: { ...observation, valueQuantity: { value: '60' } } },
  { name: 'unknown resource type in a bundle', input: collection({ resourceType: 'Nonesuch', id: 'n' }) },
  {
    name: 'entry resource without a resourceType',
    input: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { id: 'x' } }] },
  },
];

/** Deterministic damage at one place of `input`: every kind of error the validator knows, and some it does not. */
const MUTATIONS: ((value: unknown) => unknown)[] = [
  () => undefined, // delete the key
  () => null,
  () => '',
  () => '  ',
  () => [],
  () => ({}),
  (v) => (typeof v === 'string' ? 42 : 'text'),
  (v) => (Array.isArray(v) ? v[0] : [v]),
  (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v, zzz: 'x' } : v),
  (v) => (typeof v === 'string' ? `${v} 05/04/1970` : true),
  (v) => (typeof v === 'number' ? -1.5 : v),
  (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v, resourceType: 'Patient' } : v),
  (v) => (Array.isArray(v) ? [...v, ...v] : v),
  (v) => v, // unchanged, with a primitive extension beside it (mutate())
];
const WITH_EXTENSION = MUTATIONS.at(-1);

/** Every place in `value` (key paths), objects and arrays included. */
function places(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  for (const [step, child] of children) {
    out.push([...at, step]);
    places(child, [...at, step], out);
  }
  return out;
}

function mutate(input: unknown, place: (string | number)[], change: (v: unknown) => unknown): unknown {
  const copy = clone(input) as Json;
  let parent: Json = copy;
  for (const step of place.slice(0, -1)) parent = parent[step as string] as Json;
  const last = place.at(-1)!;
  const next = change(parent[last as string]);
  if (next === undefined && !Array.isArray(parent)) delete parent[last as string];
  else parent[last as string] = next;
  // A primitive extension beside a primitive: "_key" next to "key".
  if (change === WITH_EXTENSION && typeof last === 'string' && !Array.isArray(parent))
    parent[`_${last}`] = { extension: [{ url: 'https://x.invalid/e', valueString: 'v' }] };
  return copy;
}

function corpus(): { name: string; input: unknown }[] {
  const chart = { chartId: 'c', chart: fullSampleChart(), versions: [] };
  const seeds: { name: string; input: unknown }[] = [
    { name: 'chart export', input: chartToFhir(chart) },
    { name: 'chart IPS export', input: chartToIps(chart) },
    ...[0, 1, 2].map((i) => ({
      name: `bench bundle ${i}`,
      input: chartToFhir({ chartId: 'x', chart: sampleChart(`Imported ${i}`), versions: [] }),
    })),
    ...examples.map(([name, resource]) => ({ name, input: clone(resource) as unknown })),
    ...examples.map(([name, resource]) => ({ name: `${name} in a bundle`, input: collection(resource) as unknown })),
    ...invariantCases,
    ...invariantCases.map((c) => ({ name: `${c.name}, in a bundle`, input: collection(c.input) })),
  ];
  const random = prng(16);
  const items = [...seeds];
  for (const seed of seeds) {
    const all = places(seed.input);
    for (let n = 0; n < Math.min(40, all.length * 2); n++) {
      const place = all[Math.floor(random() * all.length)]!;
      const which = Math.floor(random() * MUTATIONS.length);
      items.push({
        name: `${seed.name} / ${place.join('.')} / mutation ${which}`,
        input: mutate(seed.input, place, MUTATIONS[which]!),
      });
    }
  }
  return items;
}

/** validateResource's answer, or what it threw when that was not an OperationOutcome. */
function answer(validate: () => unknown): unknown {
  try {
    return validate();
  } catch (error) {
    return `threw ${error instanceof Error ? error.message : String(error)}`;
  }
}

describe('the fast pass gives exactly validateResource’s verdicts', () => {
  const items = corpus();

  it('over the corpus and its mutations: the same errors for every input, "valid" only where there are none', () => {
    const before = invariantMemoStats();
    let accepted = 0;
    let refused = 0;
    const messages = new Set<string>();
    for (const { name, input } of items) {
      ensureIndexedFor(input);
      // What fhirStructureErrors always did: a non-resource is left to the importer, the rest goes to validateResource.
      const reference = answer(() =>
        typeof (input as Resource).resourceType === 'string' ? medplumStructureErrors(input as Resource) : [],
      );
      const fast = surelyValidFhir(input);
      if (fast) {
        accepted++;
        expect(reference, `${name}: the fast pass said valid`).toEqual([]);
      }
      expect(
        answer(() => fhirStructureErrors(input)),
        name,
      ).toEqual(reference);
      if (Array.isArray(reference) && reference.length > 0) {
        refused++;
        for (const e of reference as { message: string }[]) messages.add(e.message.replace(/\d+|"[^"]*"/g, ''));
      }
    }
    // The corpus is wide: thousands of inputs, both verdicts, many kinds of error; the fast pass answers for many.
    expect(items.length).toBeGreaterThan(3000);
    expect(refused).toBeGreaterThan(1000);
    expect(items.length - refused).toBeGreaterThan(800);
    expect(messages.size).toBeGreaterThan(40);
    expect(accepted).toBeGreaterThan(500);
    // The invariant memo (fhir-invariant-memo.ts) answered many of them, and was asked about values it had not seen.
    const after = invariantMemoStats();
    expect(after.hits - before.hits).toBeGreaterThan(5000);
    expect(after.misses - before.misses).toBeGreaterThan(500);
  }, 300_000);

  it('the invariant-only inputs are refused by medplum, and so by fhirStructureErrors, for their invariant', () => {
    const errorsOf = (name: string) => {
      const input = invariantCases.find((c) => c.name.startsWith(name))!.input;
      ensureIndexedFor(input);
      return fhirStructureErrors(input).map((e) => e.message);
    };
    for (const key of [
      'pat-1',
      'obs-6',
      'obs-3',
      'ext-1: value',
      'ext-1: neither',
      'dom-2',
      'dom-4',
      'con-4',
      'con-5',
      'ait-2',
      'tim-1',
      'bdl-11',
      'bdl-7',
      'bdl-3',
    ])
      expect(errorsOf(key).join('\n'), key).toContain(`Constraint ${key.split(':')[0]} not met`);
    // medplum evaluates a data type's own invariants only where an element repeats them: not per-1, cpt-2, qty-3, ref-1
    // on a nested Period, ContactPoint, Quantity, Reference. The fast pass does not either (the first test: same errors).
    for (const key of ['per-1', 'cpt-2', 'qty-3', 'ref-1: contained']) expect(errorsOf(key), key).toEqual([]);
    // Inside a Bundle medplum checks an entry's element invariants (pat-1 on Patient.contact) but not the resource's
    // own (obs-6 is on Observation itself): the fast pass agrees either way.
    const inBundle = (name: string) => collection(invariantCases.find((c) => c.name.startsWith(name))!.input);
    expect(
      fhirStructureErrors(inBundle('pat-1'))
        .map((e) => e.message)
        .join(),
    ).toContain('pat-1');
    expect(fhirStructureErrors(inBundle('obs-6'))).toEqual(medplumStructureErrors(inBundle('obs-6') as never));
  });

  it('answers by itself for what the importer is given: bundles as the benchmark writes them and the chart exports', () => {
    const chart = { chartId: 'c', chart: fullSampleChart(), versions: [] };
    const inputs = [
      chartToFhir(chart),
      chartToIps(chart),
      ...[0, 1, 2, 3].map((i) => chartToFhir({ chartId: 'x', chart: sampleChart(`P ${i}`), versions: [] })),
    ];
    for (const input of inputs) {
      ensureIndexedFor(input);
      expect(surelyValidFhir(input)).toBe(true);
    }
  });
});

describe('the invariant memo gives medplum’s verdict for what an invariant reads', () => {
  const bench = (i: number) =>
    chartToFhir({ chartId: `m${i}`, chart: sampleChart(`Memo ${i}`), versions: [] }) as unknown as {
      type: string;
      entry: Json[];
    } & Json;
  const ext = (e: Json) => (e.resource as { extension: Json[] }).extension;

  /** A bench bundle changed where one invariant looks, so that the invariant fails (and nothing else does). */
  // `root`: the bundle's first resource is checked, not the bundle.
  const breaking: { key: string; change: (b: ReturnType<typeof bench>) => unknown; root?: true }[] = [
    { key: 'bdl-8', change: (b) => (b.entry[1]!.fullUrl = 'http://x.invalid/Practitioner/pr-d1/_history/1') },
    { key: 'bdl-7', change: (b) => (b.entry[2]!.fullUrl = b.entry[1]!.fullUrl) },
    { key: 'bdl-5', change: (b) => b.entry.push({ fullUrl: 'urn:x:nothing' }) },
    { key: 'bdl-3', change: (b) => (b.entry[0]!.request = { method: 'POST', url: 'Patient' }) },
    { key: 'bdl-4', change: (b) => (b.entry[0]!.response = { status: '201' }) },
    { key: 'bdl-2', change: (b) => (b.entry[0]!.search = { mode: 'match' }) },
    { key: 'bdl-1', change: (b) => (b.total = 7) },
    { key: 'bdl-11', change: (b) => (b.type = 'document') },
    { key: 'bdl-12', change: (b) => (b.type = 'message') },
    {
      key: 'ext-1',
      change: (b) => (ext(b.entry[1]!)[0]!.extension = [{ url: 'https://x.invalid/e', valueString: 'v' }]),
    },
    { key: 'ext-1', change: (b) => delete ext(b.entry[1]!)[0]!.valueCode },
    {
      key: 'dom-2',
      // A resource's own invariants are checked on the resource validated, not on a bundle's entries.
      root: true,
      change: (b) =>
        Object.assign(b.entry[0]!.resource as Json, {
          contained: [
            {
              resourceType: 'Organization',
              id: 'o',
              name: 'X',
              contained: [{ resourceType: 'Organization', id: 'p' }],
            },
          ],
          managingOrganization: { reference: '#o' },
        }),
    },
  ];
  /** Changes where invariants look that keep them true: the memo must not refuse these either. */
  const keeping: ((b: ReturnType<typeof bench>) => unknown)[] = [
    (b) => (b.entry[1]!.fullUrl = 'http://x.invalid/Practitioner/pr-d1'),
    (b) => b.entry.pop(),
    (b) => (ext(b.entry[1]!)[0]!.valueCode = 'former'),
    (b) => (b.type = 'searchset'),
    (b) => {
      b.type = 'searchset';
      b.total = 7;
    },
  ];

  it('refuses, as medplum does, a value that differs from remembered ones only where the invariant looks', () => {
    ensureIndexedFor(bench(0));
    for (let i = 0; i < 5; i++) expect(surelyValidFhir(bench(i))).toBe(true);
    expect(surelyValidFhir(bench(0).entry[0]!.resource)).toBe(true);
    const warmed = invariantMemoStats();
    expect(surelyValidFhir(bench(5))).toBe(true);
    const again = invariantMemoStats();
    // A bench bundle after others: every invariant answered by the memo, none evaluated.
    expect(again.hits - warmed.hits).toBeGreaterThanOrEqual(20);
    expect([again.misses - warmed.misses, again.direct - warmed.direct]).toEqual([0, 0]);
    for (const [n, { key, change, root }] of breaking.entries()) {
      const bundle = bench(10 + n);
      change(bundle);
      const input = root ? bundle.entry[0]!.resource : bundle;
      ensureIndexedFor(input);
      const reference = medplumStructureErrors(input as unknown as Resource);
      expect(reference.map((e) => e.message).join('\n'), key).toContain(`Constraint ${key} not met`);
      expect(surelyValidFhir(input), key).toBe(false);
      expect(fhirStructureErrors(input), key).toEqual(reference);
    }
    // The same entries in another order: the first is no longer the Composition (what a resource is counts too).
    const ips = chartToIps({ chartId: 'i', chart: fullSampleChart(), versions: [] }) as unknown as { entry: Json[] };
    ensureIndexedFor(ips);
    expect(surelyValidFhir(ips)).toBe(true);
    const reordered = structuredClone(ips);
    [reordered.entry[0], reordered.entry[1]] = [reordered.entry[1]!, reordered.entry[0]!];
    const reference = medplumStructureErrors(reordered as unknown as Resource);
    expect(reference.map((e) => e.message).join('\n')).toContain('Constraint bdl-11 not met');
    expect(surelyValidFhir(reordered)).toBe(false);
    for (const [n, change] of keeping.entries()) {
      const input = bench(30 + n);
      change(input);
      expect(medplumStructureErrors(input as unknown as Resource), `keeping ${n}`).toEqual([]);
      expect(surelyValidFhir(input), `keeping ${n}`).toBe(true);
    }
  });

  it('derives what an invariant reads from its parsed form, and leaves to medplum what it does not model', () => {
    const shape = (expression: string) => {
      const reads = readsOf(parseFhirPath(expression));
      if (!reads) return null;
      const tree = (r: { below: Map<string, unknown>; count: boolean; value: boolean }): unknown => ({
        ...(r.count ? { count: true } : {}),
        ...(r.value ? { value: true } : {}),
        ...Object.fromEntries([...r.below].map(([k, v]) => [k, tree(v as never)])),
      });
      return {
        context: tree(reads.context),
        ...(reads.resource ? { resource: tree(reads.resource) } : {}),
      };
    };
    expect(shape('contained.contained.empty()')).toEqual({ context: { contained: { contained: { count: true } } } });
    expect(shape("fullUrl.exists() implies fullUrl.contains('/_history/').not()")).toEqual({
      context: { fullUrl: { count: true, value: true } },
    });
    expect(shape("entry.all(request.exists() = (%resource.type = 'batch'))")).toEqual({
      context: { entry: { count: true, request: { count: true } } },
      resource: { type: { value: true } },
    });
    expect(shape("type = 'document' implies entry.first().resource.is(Composition)")).toEqual({
      context: { type: { value: true }, entry: { count: true, resource: { count: true } } },
    });
    // A value-dependent type test reads the value; a whole object read cannot be summarised (checked per value).
    expect(shape('value.is(Quantity)')).toEqual({ context: { value: { value: true } } });
    for (const opaque of [
      'descendants().linkId.isDistinct()',
      'children().exists()',
      'reference.resolve().exists()',
      'date <= now()',
      '%vs-x.exists()',
      'Patient.name.exists()',
      'iif(a.exists(), b, c).exists()',
      'x.exists(y).not().z',
    ])
      expect(shape(opaque), opaque).toBeNull();
  });
});

// lostFields walks the source and its export side by side; it must answer exactly what listing both documents'
// leaves by path and looking each source path up in the export's list answered (the implementation it replaced, kept
// here as the reference), over hand-made cases and many random pairs of documents.
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { lostFields } from './fhir-loss';
import { prng } from '../../test/fixtures/prng';

const SKIPPED = new Set(['id', 'meta', 'resourceType']);

function leaves(value: unknown, path: string, out: Map<string, unknown>): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (path === '' && SKIPPED.has(key)) continue;
      leaves(v, path ? `${path}.${key}` : key, out);
    }
  } else if (value !== undefined) {
    out.set(path, value);
  }
}

function referenceLostFields(source: Resource, exported: Resource | undefined, refMap: ReadonlyMap<string, string>) {
  const from = new Map<string, unknown>();
  const to = new Map<string, unknown>();
  leaves(source, '', from);
  if (exported) leaves(exported, '', to);
  const lost: { path: string; keptAs?: unknown }[] = [];
  for (const [path, value] of from) {
    const wanted = path.endsWith('.reference') && typeof value === 'string' ? (refMap.get(value) ?? value) : value;
    const got = to.get(path);
    if (got === wanted) continue;
    lost.push(got === undefined ? { path } : { path, keptAs: got });
  }
  return lost;
}

const KEYS = [
  'id',
  'meta',
  'code',
  'text',
  'reference',
  'value',
  'system',
  'note',
  'period',
  'start',
  '0',
  'constructor',
];
const LEAVES: unknown[] = ['a', 'b', 'Patient/p1', 'urn:uuid:1', 'Patient/patient', 0, 1, 2.5, true, false, null, ''];

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.45) return LEAVES[Math.floor(next() * LEAVES.length)];
  if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--)
    o[KEYS[Math.floor(next() * KEYS.length)]!] = randomValue(next, depth + 1);
  return o;
}

/** The export of `source`: mostly the same, with values dropped, changed, retyped or added, as a lossy mapper would. */
function mutate(value: unknown, next: () => number, depth: number): unknown {
  const r = next();
  if (r < 0.08) return undefined;
  if (r < 0.16) return randomValue(next, depth);
  if (Array.isArray(value)) return value.map((v) => mutate(v, next, depth + 1)).filter(() => next() > 0.1);
  if (typeof value === 'object' && value !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const m = mutate(v, next, depth + 1);
      if (m !== undefined) o[k] = m;
    }
    if (next() < 0.2) o[KEYS[Math.floor(next() * KEYS.length)]!] = randomValue(next, depth + 1);
    return o;
  }
  return value;
}

const refMap = new Map([
  ['Patient/p1', 'Patient/patient'],
  ['urn:uuid:1', 'Patient/patient'],
]);

describe('lostFields', () => {
  it('lists the leaves the export does not hold, with what it holds instead', () => {
    const source = {
      resourceType: 'Condition',
      id: 'c1',
      meta: { versionId: '3' },
      code: { coding: [{ system: 's', code: '1' }], text: 'Asthma' },
      subject: { reference: 'Patient/p1' },
      note: [{ text: 'wheeze' }],
      onsetDateTime: '2020-01-01T10:00:00Z',
      abatementBoolean: false,
      recorder: null,
    } as unknown as Resource;
    const exported = {
      resourceType: 'Condition',
      id: 'illness-x',
      code: { coding: [{ system: 's', code: '1' }], text: { div: 'Asthma' } },
      subject: { reference: 'Patient/patient' },
      onsetDateTime: '2020-01-01',
      abatementBoolean: false,
      recorder: null,
    } as unknown as Resource;
    expect(lostFields(source, exported, refMap)).toEqual([
      { path: 'code.text' },
      { path: 'note[0].text' },
      { path: 'onsetDateTime', keptAs: '2020-01-01' },
    ]);
    expect(lostFields(source, undefined, refMap)).toEqual(referenceLostFields(source, undefined, refMap));
  });

  it('answers what the leaf listing answered, over 20,000 random pairs of documents', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const next = prng(seed);
      const source = randomValue(next, 0) as Resource;
      const exported = (next() < 0.1 ? undefined : mutate(source, next, 0)) as Resource | undefined;
      const got = lostFields(source, exported, refMap);
      const want = referenceLostFields(source, exported, refMap);
      expect({ seed, got }).toStrictEqual({ seed, got: want });
    }
  });
});

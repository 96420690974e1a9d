// What an import did not keep, field by field: a source resource's leaf values that the chart's own export of the
// same entry does not give back. Comparing against the export (rather than listing what each mapper reads) means a
// mapper cannot forget to report a field: whatever is not round-tripped is listed.
import type { Resource } from '@medplum/fhirtypes';

export interface LostField {
  /** 'Condition/c1' (the source's type and id). */
  resource: string;
  /** The element's path in the source resource: 'note[0].text', 'period.start'. */
  path: string;
  /** What the export holds at the same path, when it holds something else (a date without its time, a status read
   * as another); absent when the field is not kept at all. */
  keptAs?: unknown;
}

// Regenerated on export rather than carried: the resource's id (entries are renamed `<kind>-<entry id>`) and meta.
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

/**
 * The fields of `source` that `exported` does not hold with the same value. References to resources of the same
 * Bundle count as kept when they point at where that resource went (`refMap`: source reference → exported one).
 */
export function lostFields(
  source: Resource,
  exported: Resource | undefined,
  refMap: ReadonlyMap<string, string>,
): Omit<LostField, 'resource'>[] {
  const from = new Map<string, unknown>();
  const to = new Map<string, unknown>();
  leaves(source, '', from);
  if (exported) leaves(exported, '', to);
  const lost: Omit<LostField, 'resource'>[] = [];
  for (const [path, value] of from) {
    const wanted = path.endsWith('.reference') && typeof value === 'string' ? (refMap.get(value) ?? value) : value;
    const got = to.get(path);
    if (got === wanted) continue;
    lost.push(got === undefined ? { path } : { path, keptAs: got });
  }
  return lost;
}

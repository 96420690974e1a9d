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

/**
 * Walks `source` and `exported` side by side: each leaf value of the source (any value but an object, an array or
 * undefined) is compared with what the export holds at the same path. The same answer as listing both documents'
 * leaves by path and looking each source path up in the export's list, without building either list: a path's text
 * is made only for a field that is lost (FHIR element names hold no '.' or '[', so a path names one place).
 */
function compare(
  source: unknown,
  exported: unknown,
  path: string,
  refMap: ReadonlyMap<string, string>,
  lost: Omit<LostField, 'resource'>[],
): void {
  if (Array.isArray(source)) {
    const other = Array.isArray(exported) ? exported : undefined;
    // forEach, as the listing did: holes of a sparse array are skipped.
    source.forEach((v, i) => compare(v, other?.[i], `${path}[${i}]`, refMap, lost));
  } else if (typeof source === 'object' && source !== null) {
    const other =
      typeof exported === 'object' && exported !== null && !Array.isArray(exported)
        ? (exported as Record<string, unknown>)
        : undefined;
    for (const key of Object.keys(source)) {
      if (path === '' && SKIPPED.has(key)) continue;
      const v = (source as Record<string, unknown>)[key];
      compare(
        v,
        other && Object.hasOwn(other, key) ? other[key] : undefined,
        path ? `${path}.${key}` : key,
        refMap,
        lost,
      );
    }
  } else if (source !== undefined) {
    // Only a leaf of the export counts as held (an object or array there holds nothing at this path).
    const got = typeof exported === 'object' && exported !== null ? undefined : exported;
    const wanted = path.endsWith('.reference') && typeof source === 'string' ? (refMap.get(source) ?? source) : source;
    if (got === wanted) return;
    lost.push(got === undefined ? { path } : { path, keptAs: got });
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
  const lost: Omit<LostField, 'resource'>[] = [];
  compare(source, exported || undefined, '', refMap, lost);
  return lost;
}

// Field-level differences between two versions of a chart, for history. List entries are matched by id, so
// inserting or reordering entries does not show up as changes to every entry after it.
import { CHART_LISTS, type Chart, type ChartEntry, type ChartListKey } from './chart';
import { fieldLabel, formatCodes, sectionFor } from './sections';

export type DiffValue = string | number | null | Record<string, unknown>;

export interface ChartDiffEntry {
  /** 'patient.name', 'medications[<entry id>].dose', or 'illnesses[<entry id>]' for a whole entry added/removed. */
  path: string;
  before: DiffValue;
  after: DiffValue;
  /** Clinician-readable name of what changed: 'Medication "Metformin" › Dose'. */
  label: string;
}

/** What changed from `a` to `b`. `a` null means `b` is the first version: every filled field is listed as added. */
export function diffCharts(a: Chart | null, b: Chart): ChartDiffEntry[] {
  const out: ChartDiffEntry[] = [];
  const beforePatient: Record<string, unknown> = a?.patient ?? {};
  for (const [key, after] of Object.entries(b.patient)) {
    const before = beforePatient[key] ?? null;
    if (!same(before, after) && !(a === null && isBlank(after))) {
      out.push({
        path: `patient.${key}`,
        before: value(before),
        after: value(after),
        label: fieldLabel('patient', key),
      });
    }
  }
  for (const list of CHART_LISTS) diffList(list, a?.[list] ?? [], b[list], out);
  return out;
}

function diffList(
  list: ChartListKey,
  before: readonly ChartEntry[],
  after: readonly ChartEntry[],
  out: ChartDiffEntry[],
): void {
  const section = sectionFor(list);
  const noun = section?.layout === 'list' ? capitalise(section.itemLabel) : list;
  const titleField = section?.layout === 'list' ? section.titleField : 'id';
  // A title field may be empty (a visit's date is optional as in R4): the entry is then named by its id.
  const title = (e: ChartEntry) => `${noun} "${String((e as unknown as Record<string, unknown>)[titleField] || e.id)}"`;
  const old = new Map(before.map((e) => [e.id, e]));
  const seen = new Set<string>();
  for (const entry of after) {
    seen.add(entry.id);
    const prev = old.get(entry.id);
    if (!prev) {
      out.push({ path: `${list}[${entry.id}]`, before: null, after: { ...entry }, label: `${title(entry)} added` });
      continue;
    }
    const p = prev as unknown as Record<string, unknown>;
    for (const [key, v] of Object.entries(entry)) {
      if (!same(p[key] ?? null, v)) {
        out.push({
          path: `${list}[${entry.id}].${key}`,
          before: value(p[key] ?? null),
          after: value(v),
          label: `${title(entry)} › ${fieldLabel(list, key)}`,
        });
      }
    }
  }
  for (const entry of before) {
    if (!seen.has(entry.id))
      out.push({ path: `${list}[${entry.id}]`, before: { ...entry }, after: null, label: `${title(entry)} removed` });
  }
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return codesText(a) === codesText(b);
  return a === b || (a === null && b === '') || (a === '' && b === null);
}
function isBlank(v: unknown): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}
function codesText(v: unknown): string {
  if (!Array.isArray(v)) return v === null || v === undefined ? '' : String(v);
  return formatCodes(v as { system?: string; code?: string; display?: string }[]);
}
function value(v: unknown): DiffValue {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return codesText(v) || null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  return v as Record<string, unknown>;
}
function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// What the doctor's form asks of a code beyond the chart schema: a code typed or changed in this edit names its
// system by an absolute URI. The schema itself keeps any system, or none, because R4 does (Coding.system is 0..1 and
// any uri) and imports keep codes as given; so the rule applies to what the doctor touches, and an imported code
// never blocks an unrelated edit.
import { CHART_LISTS, type Chart, type Code } from './chart';
import type { FieldError } from './validate';

/** An absolute URI (a scheme, a colon, then no spaces): http://snomed.info/sct, urn:oid:2.16.840.1.113883.6.96. */
export const CODE_SYSTEM_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
export const CODE_SYSTEM_MISSING = 'Choose the code system, or give its URI';
export const CODE_SYSTEM_NOT_URI = 'The code system must be a URI, such as http://snomed.info/sct';

function sameCode(a: Code | undefined, b: Code): boolean {
  return a !== undefined && a.system === b.system && a.code === b.code && a.display === b.display;
}

/** Errors for codes new or changed since `initial` (matched by entry id and position) whose system is not a URI. */
export function codeEditErrors(draft: Chart, initial: Chart | null): FieldError[] {
  const errors: FieldError[] = [];
  for (const list of CHART_LISTS) {
    const before = new Map<string, readonly Code[]>();
    for (const entry of initial?.[list] ?? []) if ('codes' in entry) before.set(entry.id, entry.codes);
    draft[list].forEach((entry, index) => {
      if (!('codes' in entry)) return;
      const old = before.get(entry.id) ?? [];
      entry.codes.forEach((code, at) => {
        if (sameCode(old[at], code)) return;
        const system = code.system.trim();
        const message = system === '' ? CODE_SYSTEM_MISSING : CODE_SYSTEM_URI.test(system) ? '' : CODE_SYSTEM_NOT_URI;
        if (message) errors.push({ path: `${list}.${index}.codes.${at}.system`, message });
      });
    });
  }
  return errors;
}

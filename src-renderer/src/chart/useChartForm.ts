// Form state for a whole chart: the draft, its field errors from the shared schema (live), which errors to show
// (touched fields, or all after a save attempt), and errors main answered for the same paths. Codes typed or changed
// here must also name their system (codeEditErrors); the schema alone lets an imported code go without one.
import { useCallback, useMemo, useState } from 'react';
import { codeEditErrors, validateChart, type Chart, type FieldError } from '../../../src-shared/records';

function formErrors(draft: Chart, initial: Chart): FieldError[] {
  const result = validateChart(draft);
  return [...(result.ok ? [] : result.errors), ...codeEditErrors(draft, initial)];
}

export function useChartForm(start: Chart) {
  // The chart as it was when the form opened: codes unchanged from it are not re-checked (see codeEditErrors).
  const [initial] = useState<Chart>(start);
  const [draft, setDraft] = useState<Chart>(start);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});

  const localErrors = useMemo(() => {
    const out: Record<string, string> = {};
    for (const e of formErrors(draft, initial)) if (!(e.path in out)) out[e.path] = e.message;
    return out;
  }, [draft, initial]);

  const errors = useMemo(() => ({ ...serverErrors, ...localErrors }), [serverErrors, localErrors]);
  const shown = useCallback(
    (path: string) => submitted || touched.has(path) || path in serverErrors,
    [submitted, touched, serverErrors],
  );
  const visibleErrors = useMemo(
    () => Object.fromEntries(Object.entries(errors).filter(([path]) => shown(path))),
    [errors, shown],
  );

  return {
    draft,
    setDraft: (chart: Chart) => {
      setDraft(chart);
      setServerErrors({});
    },
    errors,
    visibleErrors,
    shown,
    touch: (path: string) => setTouched((t) => (t.has(path) ? t : new Set(t).add(path))),
    /** Marks a save attempt; returns the parsed (trimmed) chart when it is valid. */
    submit(): Chart | null {
      setSubmitted(true);
      const result = validateChart(draft);
      return result.ok && codeEditErrors(draft, initial).length === 0 ? result.chart : null;
    },
    setServerErrors,
  };
}

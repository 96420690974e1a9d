// Form state for a whole chart: the draft, its field errors from the shared schema (live), which errors to show
// (touched fields, or all after a save attempt), and errors main answered for the same paths.
import { useCallback, useMemo, useState } from 'react';
import { validateChart, type Chart } from '../../../src-shared/records';

export function useChartForm(initial: Chart) {
  const [draft, setDraft] = useState<Chart>(initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});

  const localErrors = useMemo(() => {
    const result = validateChart(draft);
    const out: Record<string, string> = {};
    if (!result.ok) for (const e of result.errors) if (!(e.path in out)) out[e.path] = e.message;
    return out;
  }, [draft]);

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
      return result.ok ? result.chart : null;
    },
    setServerErrors,
  };
}

// Loads and shows a chart's access history (IPC charts.access) where it is drawn: the doctor's chart view and the
// kiosk's Access tab. Kept in this component's state only, so it goes with the view (and with the kiosk session).
import { useEffect, useState } from 'react';
import type { ChartAccess } from '../../../src-shared/ipc/access';
import { api } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { call, type UiError } from '../errors';
import { AccessView } from './AccessView';

interface AccessPanelProps {
  chartId: string;
  viewerSignKey?: string | null;
  headingLevel?: 2 | 3;
  /** Changes when the chart does (a new version), so the history is read again. */
  version?: string;
}

export function AccessPanel({ chartId, viewerSignKey = null, headingLevel = 3, version = '' }: AccessPanelProps) {
  const [access, setAccess] = useState<ChartAccess | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  useEffect(() => {
    let live = true;
    void call(() => api().charts.access({ chartId })).then((result) => {
      if (!live) return;
      setAccess(result.ok ? result.value : null);
      setError(result.ok ? null : result.error);
    });
    return () => {
      live = false;
    };
  }, [chartId, version]);

  if (error) return <ErrorMessage error={error} />;
  if (!access || access.chartId !== chartId) return <Loading label="Loading who can read this record…" />;
  return <AccessView access={access} viewerSignKey={viewerSignKey} headingLevel={headingLevel} />;
}

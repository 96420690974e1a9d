// A bulk act's per-chart report (the custody migration, the upgrade to the private format): a summary banner with
// the failed charts' advice, then one row a chart with its result and what it wrote or why not.
import type { ReactNode } from 'react';
import { Banner } from './Banner';

export interface ChartReportRow {
  chartId: string;
  result: ReactNode;
  /** The id written (shown shortened) or, when the chart was not done, the reason. */
  written?: string | undefined;
  reason?: string | undefined;
}

export const shortId = (id: string) => `${id.slice(0, 16)}…`;

export function ChartReport({
  label,
  title,
  failed,
  failedAdvice,
  detailHeader,
  rows,
}: {
  /** What the act is called in the group's and table's accessible names ("Migration", "Upgrade"). */
  label: string;
  title: string;
  failed: number;
  failedAdvice: string;
  detailHeader: string;
  rows: readonly ChartReportRow[];
}) {
  return (
    <div role="group" aria-label={`${label} report`}>
      <Banner tone={failed ? 'warn' : 'info'} title={title}>
        <p>{failed ? failedAdvice : ''}</p>
      </Banner>
      <table className="data" aria-label={`${label} per chart`}>
        <thead>
          <tr>
            <th scope="col">Chart</th>
            <th scope="col">Result</th>
            <th scope="col">{detailHeader}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.chartId}>
              <td className="mono">{shortId(r.chartId)}</td>
              <td>{r.result}</td>
              <td>{r.reason ?? (r.written ? <span className="mono">{shortId(r.written)}</span> : '—')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

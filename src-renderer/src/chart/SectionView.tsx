// One section of a chart, read-only, drawn from the shared section configuration: a form section as a list of
// labelled values, a list section as a table. Entries marked "entered in error" stay visible, struck through.
import type { Chart, ChartSection } from '../../../src-shared/records';
import { displayValue } from './format';
import { patientAge } from './ChartHeaderFacts';

export function SectionView({ section, chart }: { section: ChartSection; chart: Chart }) {
  if (section.layout === 'form') {
    const values = chart[section.path] as unknown as Record<string, unknown>;
    return (
      <dl className="kv">
        {section.fields.map((field) => (
          <div key={field.key} className="kv-row">
            <dt>{field.label}</dt>
            <dd>
              {/* The age field holds an age only when the date of birth is unknown; otherwise it is computed. */}
              {field.key === 'age' && section.path === 'patient'
                ? displayValue(field, patientAge(chart.patient))
                : displayValue(field, values[field.key])}
            </dd>
          </div>
        ))}
      </dl>
    );
  }

  const entries = chart[section.path] as unknown as Record<string, unknown>[];
  if (entries.length === 0) {
    return <p className="empty-state">No {section.itemLabel} recorded.</p>;
  }
  const columns = section.fields.filter((f) => f.column);
  const details = section.fields.filter((f) => !f.column && f.kind === 'multiline');
  // Many columns (codes among them) can be wider than the pane: the table scrolls, never runs under the side panel.
  return (
    <div className="table-scroll">
      <table className="data">
        <caption className="visually-hidden">{section.title}</caption>
        <thead>
          <tr>
            {columns.map((field) => (
              <th key={field.key} scope="col">
                {field.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const inError = entry[section.statusField] === 'entered-in-error';
            return (
              <tr key={String(entry.id)} className={inError ? 'entered-in-error' : undefined}>
                {columns.map((field, index) => (
                  <td key={field.key}>
                    {inError && index === 0 ? (
                      <s>{displayValue(field, entry[field.key])}</s>
                    ) : (
                      displayValue(field, entry[field.key])
                    )}
                    {index === 0 &&
                      details.map((d) =>
                        entry[d.key] ? (
                          <div key={d.key} className="muted entry-detail">
                            <span className="visually-hidden">{d.label}: </span>
                            {String(entry[d.key])}
                          </div>
                        ) : null,
                      )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// What a clinician must see before anything else on every chart: the patient's age (computed from the date of
// birth, or the recorded age when the date is unknown) and their allergies and intolerances.
import { ageOn, todayIso, type Chart } from '../../../src-shared/records';

/** Allergies still relevant: not resolved, inactive or entered in error. */
function currentAllergies(chart: Chart) {
  return chart.allergies.filter((a) => a.status === 'active');
}

export function patientAge(patient: Chart['patient'], today: string = todayIso()): number | null {
  return ageOn(patient.birthDate, today) ?? patient.age;
}

export function ChartHeaderFacts({ chart, today }: { chart: Chart; today?: string }) {
  const age = patientAge(chart.patient, today);
  const allergies = currentAllergies(chart);
  return (
    <dl className="chart-facts" aria-label="Patient facts">
      <div className="kv-row">
        <dt>Age</dt>
        <dd>{age === null ? '—' : `${age} ${age === 1 ? 'year' : 'years'}`}</dd>
      </div>
      <div className={`kv-row${allergies.length ? ' chart-allergies' : ''}`}>
        <dt>Allergies</dt>
        <dd>
          {allergies.length === 0
            ? 'None recorded'
            : allergies
                .map((a) =>
                  [a.substance, a.criticality === 'high' ? 'high criticality' : '', a.reaction]
                    .filter(Boolean)
                    .join(' — '),
                )
                .join('; ')}
        </dd>
      </div>
    </dl>
  );
}

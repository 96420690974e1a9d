// A new chart: every field of the chart (the shared sections), a PIN for the patient, then the access card, once.
import { useState, type FormEvent } from 'react';
import type { AccessCard, ChartSummary } from '../../../../src-shared/ipc';
import { checkNewPin } from '../../../../src-shared/crypto/card';
import { emptyChart } from '../../../../src-shared/records';
import { Banner } from '../../components/Banner';
import { PinField } from '../../components/PinField';
import { ChartEditor } from '../../chart/ChartEditor';
import { useChartForm } from '../../chart/useChartForm';
import { fieldsUnder, type UiError } from '../../errors';
import { useCharts } from '../../stores/charts';
import { useNavigation } from '../../stores/navigation';
import { AccessCardView } from './AccessCardView';

export function NewPatient() {
  const [created, setCreated] = useState<{ summary: ChartSummary; card: AccessCard } | null>(null);
  const go = useNavigation((s) => s.go);
  if (created) {
    return (
      <AccessCardView
        card={created.card}
        patientName={created.summary.patientName}
        pending={created.summary.integrity === 'pending'}
        onDone={() => go({ name: 'chart', chartId: created.summary.chartId })}
      />
    );
  }
  return <NewPatientForm onCreated={setCreated} />;
}

function NewPatientForm({ onCreated }: { onCreated: (created: { summary: ChartSummary; card: AccessCard }) => void }) {
  const createChart = useCharts((s) => s.createChart);
  const go = useNavigation((s) => s.go);
  const form = useChartForm(emptyChart());
  const [pin, setPin] = useState('');
  const [pinConfirm, setPinConfirm] = useState('');
  const [pinTouched, setPinTouched] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  const pinError = newPinProblem(pin);
  const confirmError = pinConfirm === pin ? undefined : 'The PINs do not match';
  const showPin = submitted || pinTouched;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setError(null);
    const chart = form.submit();
    if (!chart || pinError || confirmError) {
      setError({
        code: 'INVALID_REQUEST',
        message: 'Some fields need attention: see the messages below and the tabs marked in red.',
      });
      return;
    }
    setBusy(true);
    const result = await createChart(chart, pin);
    setBusy(false);
    if (result.ok) return onCreated(result.value);
    form.setServerErrors(fieldsUnder(result.error, 'chart.'));
    setError(result.error);
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-patient-title">
      <div className="page-header">
        <div>
          <h1 id="new-patient-title">New patient</h1>
          <p className="muted">
            Fill in the chart. It is signed with your key and encrypted before it is written to the ledger.
          </p>
        </div>
        <div className="btn-row">
          <button type="button" className="btn" onClick={() => go({ name: 'patients' })}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create chart'}
          </button>
        </div>
      </div>
      {error && (
        <Banner tone="danger" title="The chart was not created">
          {error.message && <p>{error.message}</p>}
        </Banner>
      )}
      <div className="card">
        <ChartEditor form={form} />
      </div>
      <div className="card">
        <h2>Patient&apos;s PIN</h2>
        <p className="muted">
          The patient opens their chart at the kiosk with the access card and this PIN. Tell the patient the PIN; it is
          not printed on the card and cannot be recovered.
        </p>
        <div className="form-grid">
          <PinField
            label="PIN"
            value={pin}
            onChange={setPin}
            onBlur={() => setPinTouched(true)}
            hint="6 to 12 digits"
            error={showPin ? pinError : undefined}
          />
          <PinField
            label="Confirm PIN"
            value={pinConfirm}
            onChange={setPinConfirm}
            onBlur={() => setPinTouched(true)}
            error={showPin ? confirmError : undefined}
          />
        </div>
      </div>
    </form>
  );
}

/** The vault's rule for a new PIN (digits only, 6–12, not a run or a repeat), as a message. */
function newPinProblem(pin: string): string | undefined {
  try {
    checkNewPin(pin);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : 'This PIN is not valid';
  }
}

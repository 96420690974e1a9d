// Sharing the chart with another doctor, or handing custody over, chosen from the practitioner directory.
import { useState } from 'react';
import type { Practitioner } from '../../../../src-shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Modal } from '../../components/Modal';
import type { UiError } from '../../errors';
import { useCharts } from '../../stores/charts';
import { PractitionerPicker } from '../../components/PractitionerPicker';

interface Props {
  chartId: string;
  mode: 'share' | 'custody';
  open: boolean;
  exclude: ReadonlySet<string>;
  onClose: () => void;
}

export function ShareDialog({ chartId, mode, open, exclude, onClose }: Props) {
  const share = useCharts((s) => s.share);
  const custody = useCharts((s) => s.custody);
  const [confirming, setConfirming] = useState<Practitioner | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  async function run(p: Practitioner) {
    setBusy(true);
    setError(null);
    const result = mode === 'share' ? await share(chartId, p.signKey) : await custody(chartId, p.signKey);
    setBusy(false);
    if (result.ok) close();
    else setError(result.error);
  }

  function close() {
    setConfirming(null);
    setError(null);
    onClose();
  }

  return (
    <Modal
      open={open}
      onClose={close}
      title={mode === 'share' ? 'Share with a doctor' : 'Hand over custody'}
      description={
        mode === 'share'
          ? 'The doctor can read this chart from the next version on. You stay its custodian.'
          : 'The doctor becomes the custodian: only they can edit the chart afterwards. You keep read access.'
      }
      footer={
        <button type="button" className="btn" onClick={close}>
          Cancel
        </button>
      }
    >
      {confirming ? (
        <div>
          <p>
            Hand the chart over to <strong>{confirming.name}</strong> ({confirming.specialty})?
          </p>
          <div className="btn-row">
            <button type="button" className="btn" onClick={() => setConfirming(null)}>
              Back
            </button>
            <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void run(confirming)}>
              {busy ? 'Signing…' : `Confirm hand over to ${confirming.name}`}
            </button>
          </div>
        </div>
      ) : (
        <PractitionerPicker
          exclude={exclude}
          busy={busy}
          actionLabel={(p) => (mode === 'share' ? `Share with ${p.name}` : `Hand over to ${p.name}`)}
          onPick={(p) => (mode === 'share' ? void run(p) : setConfirming(p))}
        />
      )}
      <ErrorMessage error={error} />
    </Modal>
  );
}

// Confirming a revoke (with an optional reason) or a restore: both write a new version on the ledger.
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Modal } from '../../components/Modal';
import type { UiError } from '../../errors';
import { useCharts } from '../../stores/charts';

interface Props {
  chartId: string;
  patientName: string;
  mode: 'revoke' | 'restore';
  open: boolean;
  onClose: () => void;
}

export function RevokeDialog({ chartId, patientName, mode, open, onClose }: Props) {
  const revoke = useCharts((s) => s.revoke);
  const restore = useCharts((s) => s.restore);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    const result = mode === 'revoke' ? await revoke(chartId, reason) : await restore(chartId);
    setBusy(false);
    if (result.ok) {
      setReason('');
      onClose();
    } else setError(result.error);
  }

  const title = mode === 'revoke' ? `Revoke the chart of ${patientName}?` : `Restore the chart of ${patientName}?`;
  return (
    <Modal
      open={open}
      title={title}
      onClose={onClose}
      description={
        mode === 'revoke'
          ? 'The chart will be shown as revoked to everyone who can read it. Nothing is erased: earlier versions stay on the ledger.'
          : 'The chart becomes active again, as a new version.'
      }
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={mode === 'revoke' ? 'btn btn-danger' : 'btn btn-primary'}
            onClick={confirm}
            disabled={busy}
          >
            {busy ? 'Signing…' : mode === 'revoke' ? 'Revoke chart' : 'Restore chart'}
          </button>
        </>
      }
    >
      {mode === 'revoke' && (
        <div className="field">
          <label htmlFor="revoke-reason">Reason (optional)</label>
          <textarea id="revoke-reason" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
      )}
      <ErrorMessage error={error} />
    </Modal>
  );
}

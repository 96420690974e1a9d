// The patient's access card, shown exactly once: the workstation keeps no copy of the patient's seed, so this screen
// is the only chance to print it. The print stylesheet prints only the card.
import { Printer } from 'lucide-react';
import type { AccessCard } from '../../../../src-shared/ipc';
import { Banner } from '../../components/Banner';

interface AccessCardViewProps {
  card: AccessCard;
  patientName: string;
  pending: boolean;
  onDone: () => void;
}

export function AccessCardView({ card, patientName, pending, onDone }: AccessCardViewProps) {
  return (
    <section aria-labelledby="card-title">
      <div className="page-header no-print">
        <div>
          <h1 id="card-title">Access card for {patientName}</h1>
          <p className="muted">Print it now and hand it to the patient.</p>
        </div>
      </div>
      <div className="no-print">
        <Banner tone="warn" title="This card is shown only once">
          <p>HealthChain keeps no copy. If it is lost, the patient cannot open their chart at the kiosk.</p>
        </Banner>
        {pending && (
          <Banner tone="info" title="Saved on this workstation, not yet on the ledger">
            <p>The chart is in the outbox and will be sent when the node is reachable.</p>
          </Banner>
        )}
      </div>
      <article className="card access-card print-area" aria-label="Access card">
        <h2>HealthChain — patient access card</h2>
        <p>
          <strong>{patientName}</strong>
        </p>
        <div className="access-card-body">
          <img src={card.qrDataUrl} alt="QR code of the access code" width={180} height={180} />
          <div>
            <p className="label">Access code</p>
            <p className="access-code mono" aria-label="Access code">
              {/* Lines break only between groups, never inside one. */}
              {card.code.split('-').map((group, i, all) => (
                <span key={i} className="code-group">
                  {group}
                  {i < all.length - 1 ? '-' : ''}
                  {i < all.length - 1 && <wbr />}
                </span>
              ))}
            </p>
          </div>
        </div>
        <p className="access-instructions">{card.instructions}</p>
      </article>
      <div className="btn-row no-print card-actions">
        <button type="button" className="btn btn-primary" onClick={() => window.print()}>
          <Printer aria-hidden="true" size={18} /> Print access card
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Done — open the chart
        </button>
      </div>
    </section>
  );
}

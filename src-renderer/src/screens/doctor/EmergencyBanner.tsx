// Above a chart read through an emergency grant: unmistakable, with who granted it, why and until when.
import type { EmergencyBanner as EmergencyBannerFacts } from '../../../../src-shared/ipc';
import { REASON_LABELS } from '../../../../src-shared/ipc/access';
import { formatDateTime } from '../../chart/format';

export function EmergencyBanner({ facts }: { facts: EmergencyBannerFacts }) {
  return (
    <div className="banner banner-emergency" role="alert" aria-label="Emergency access">
      <div>
        <strong>Emergency access — read-only</strong>
        <p>
          Granted by {facts.grantedBy.name ?? 'the emergency service'} on {formatDateTime(facts.grantedAt)} for:{' '}
          {REASON_LABELS[facts.reason]}. Expires {formatDateTime(facts.expiresAt)}. This access is recorded on the
          ledger and shown to the patient.
        </p>
      </div>
    </div>
  );
}

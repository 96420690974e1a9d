// Ledger state of a chart or version, in words: verified, pending (in the outbox), unknown author (signed, but not by a
// practitioner the hospital vouched for at that point), or tampered.
import { CheckCircle2, Clock, ShieldAlert, UserX } from 'lucide-react';
import type { Integrity } from '../../../../src-shared/ipc';

export function IntegrityBadge({ integrity }: { integrity: Integrity }) {
  if (integrity === 'verified')
    return (
      <span className="badge badge-ok">
        <CheckCircle2 aria-hidden="true" size={14} /> Verified
      </span>
    );
  if (integrity === 'pending')
    return (
      <span className="badge badge-warn">
        <Clock aria-hidden="true" size={14} /> Pending
      </span>
    );
  if (integrity === 'unknown-author')
    return (
      <span className="badge badge-danger">
        <UserX aria-hidden="true" size={14} /> Unknown author
      </span>
    );
  return (
    <span className="badge badge-danger">
      <ShieldAlert aria-hidden="true" size={14} /> Tampered
    </span>
  );
}

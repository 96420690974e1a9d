// How a value fixed by hospital IT is marked next to its (disabled) control.
import { Lock } from 'lucide-react';

export function LockedNotice({ id }: { id: string }) {
  return (
    <span id={id} className="badge badge-warn">
      <Lock aria-hidden="true" size={14} />
      Set by your IT department
    </span>
  );
}

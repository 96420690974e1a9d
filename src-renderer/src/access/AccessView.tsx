// Who can read a chart now and how that came about (issue #13): the doctor's "Access" section and the patient's
// kiosk "Access" tab draw the same facts, newest first, with emergency accesses marked.
import { ShieldAlert } from 'lucide-react';
import { useId } from 'react';
import type { ChartAccess } from '../../../src-shared/ipc/access';
import { formatDateTime } from '../chart/format';
import { eventNote, eventText, partyText } from './access-words';

interface AccessViewProps {
  access: ChartAccess;
  /** The viewer's key, to say "you"; null on the kiosk (the patient is named as such). */
  viewerSignKey?: string | null;
  headingLevel?: 2 | 3;
}

export function AccessView({ access, viewerSignKey = null, headingLevel = 3 }: AccessViewProps) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const id = useId();
  const events = [...access.history].reverse();
  return (
    <div className="access-view">
      <H id={`${id}-now`}>Who can read this record now</H>
      <ul className="access-readers" aria-labelledby={`${id}-now`}>
        {access.canRead.map((p, i) => (
          <li key={`${p.role}-${p.person.signKey}-${i}`} className={p.role === 'emergency' ? 'access-emergency' : ''}>
            {p.role === 'emergency' && <ShieldAlert aria-hidden="true" size={16} />} {partyText(p, viewerSignKey)}
          </li>
        ))}
      </ul>
      {access.emergencyUnavailable && <p className="muted">{access.emergencyUnavailable}</p>}
      <H>What happened</H>
      {events.length === 0 ? (
        <p className="empty-state">Nothing recorded yet.</p>
      ) : (
        <table className="data" aria-label="Access history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e, i) => {
              const note = eventNote(e);
              return (
                <tr key={`${e.txId}-${i}`} className={e.kind.startsWith('emergency') ? 'access-emergency' : ''}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>
                    {eventText(e, viewerSignKey)}
                    {note && <div className="muted">{note}</div>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

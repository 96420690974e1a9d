// The access history in words, for the doctor's chart view and the patient's kiosk tab alike ("you" is the viewer).
import {
  REASON_LABELS,
  REFUSAL_LABELS,
  type AccessEvent,
  type AccessParty,
  type AccessRole,
} from '../../../src-shared/ipc/access';
import type { PersonRef } from '../../../src-shared/ipc';
import { formatDateTime } from '../chart/format';

export const ROLE_LABELS: Record<AccessRole, string> = {
  custodian: 'Responsible doctor (custodian)',
  doctor: 'Shared with',
  patient: 'Patient (access card)',
  emergency: 'Emergency access',
  recovery: 'Hospital recovery key (privacy officers together)',
  'emergency-service': 'Hospital emergency service (releases emergency access only when logged)',
  unknown: 'Unknown key',
};

export function nameOf(person: PersonRef | null, viewerSignKey?: string | null): string {
  if (!person) return 'someone';
  if (viewerSignKey && person.signKey === viewerSignKey) return 'you';
  return person.name ?? (person.signKey ? `key ${person.signKey.slice(0, 8)}…` : 'someone');
}

export function partyText(p: AccessParty, viewerSignKey?: string | null): string {
  const who = p.role === 'recovery' || p.role === 'emergency-service' ? '' : nameOf(p.person, viewerSignKey);
  const until = p.until ? ` until ${formatDateTime(p.until)}` : '';
  const version = p.versionSeq ? ` (version ${p.versionSeq} only)` : '';
  return `${ROLE_LABELS[p.role]}${who ? `: ${who}` : ''}${until}${version}`;
}

export function eventText(e: AccessEvent, viewerSignKey?: string | null): string {
  const by = nameOf(e.by, viewerSignKey);
  const subject = nameOf(e.subject, viewerSignKey);
  switch (e.kind) {
    case 'created':
      return `Record created by ${by}`;
    case 'shared':
      return e.subject ? `${by} shared the record with ${subject}` : `${by} shared the record`;
    case 'unshared':
      return e.subject ? `${by} stopped sharing the record with ${subject}` : `${by} stopped sharing the record`;
    case 'custody':
      return `${by} handed the record over to ${subject}`;
    case 'revoked':
      return `Record revoked by ${by}`;
    case 'restored':
      return `Record restored by ${by}`;
    case 'emergency-request':
      return `Emergency access requested by ${by}${e.reason ? ` — ${REASON_LABELS[e.reason]}` : ''}`;
    case 'emergency-grant':
      return `Emergency access granted to ${subject}${e.expiresAt ? ` until ${formatDateTime(e.expiresAt)}` : ''}`;
    case 'emergency-refusal':
      return `Emergency access refused to ${subject}: ${e.refusal ? REFUSAL_LABELS[e.refusal] : 'no reason given'}`;
  }
}

/** What the event's text is, in words (a sealed reason, a version's note, a refusal's detail). */
export function eventNote(e: AccessEvent): string | null {
  if (!e.text) return null;
  if (e.kind === 'emergency-request') return `Reason given: ${e.text}`;
  if (e.kind === 'emergency-refusal') return e.text;
  return `Note: ${e.text}`;
}

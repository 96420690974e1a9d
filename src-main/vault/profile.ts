// The public profile of a doctor identity (also published as the practitioner asset, docs/DESIGN.md §2).
import { InvalidInputError } from './errors';

export interface DoctorProfile {
  readonly name: string;
  readonly specialty: string;
  readonly licenceNumber: string;
}

const LIMITS = { name: 200, specialty: 200, licenceNumber: 100 } as const;
const LABELS = { name: 'Name', specialty: 'Specialty', licenceNumber: 'Licence number' } as const;
// Control characters would corrupt printed cards and logs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Trims, NFC-normalises and checks each field; throws InvalidInputError naming the field. */
export function normaliseProfile(input: {
  name?: unknown;
  specialty?: unknown;
  licenceNumber?: unknown;
}): DoctorProfile {
  const out: Record<keyof DoctorProfile, string> = { name: '', specialty: '', licenceNumber: '' };
  for (const field of ['name', 'specialty', 'licenceNumber'] as const) {
    const raw = input[field];
    if (typeof raw !== 'string') throw new InvalidInputError(field, `${LABELS[field]} is required.`);
    const value = raw.normalize('NFC').trim();
    if (!value) throw new InvalidInputError(field, `${LABELS[field]} is required.`);
    if ([...value].length > LIMITS[field])
      throw new InvalidInputError(field, `${LABELS[field]} must be at most ${LIMITS[field]} characters.`);
    if (CONTROL.test(value)) throw new InvalidInputError(field, `${LABELS[field]} contains a control character.`);
    out[field] = value;
  }
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ./-]*$/u.test(out.licenceNumber)) {
    throw new InvalidInputError(
      'licenceNumber',
      'Licence number may contain letters, digits, spaces, dots, slashes and dashes only.',
    );
  }
  return out;
}

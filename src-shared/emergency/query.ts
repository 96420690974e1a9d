// A request by patient identifiers (name and date of birth from the wristband): sealed like the reason, so only the
// emergency service and the privacy officers read whom a clinician looked for, and matched by the service against
// the charts it can open. Names compare loosely (case, accents, punctuation, spacing); the date of birth exactly.
import type { EnvelopeReaderKey } from '../crypto/envelope';
import { EmergencyInputError, firstProblem, patientQuerySchema, type PatientQuery, type SealedNote } from './model';
import { openNote, sealNote } from './note';

export function parsePatientQuery(value: unknown): PatientQuery {
  const parsed = patientQuerySchema.safeParse(value);
  if (!parsed.success) throw new EmergencyInputError(`patient query: ${firstProblem(parsed.error)}`);
  return parsed.data;
}

export function sealQuery(query: PatientQuery, readerBoxKeys: readonly string[]): SealedNote {
  return sealNote(JSON.stringify(parsePatientQuery(query)), readerBoxKeys);
}

export async function openQuery(sealed: SealedNote, reader: EnvelopeReaderKey): Promise<PatientQuery> {
  const text = await openNote(sealed, reader);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EmergencyInputError('the sealed patient query is not JSON');
  }
  return parsePatientQuery(value);
}

/** "Ó'Brien-Smith " → "obrien smith": what a name typed from a wristband is compared as. */
export function normalName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** What a chart says of its patient, as the service indexes it. */
export interface PatientIdentity {
  family: string;
  given: string;
  /** Full name as written, for charts without structured names. */
  name: string;
  birthDate: string;
}

/**
 * Does the chart's patient match the query? Same date of birth; same family name (or, for a chart with only a full
 * name, that name ends with it); the given name, when typed, equals the chart's given names or their first word.
 */
export function matchesQuery(patient: PatientIdentity, query: PatientQuery): boolean {
  if (patient.birthDate !== query.birthDate) return false;
  const family = normalName(query.family);
  const given = normalName(query.given);
  const chartFamily = normalName(patient.family);
  const chartGiven = normalName(patient.given);
  if (chartFamily) {
    if (chartFamily !== family) return false;
    return !given || chartGiven === given || chartGiven.split(' ')[0] === given;
  }
  const full = normalName(patient.name);
  if (full !== family && !full.endsWith(` ${family}`)) return false;
  return !given || full.startsWith(`${given} `);
}

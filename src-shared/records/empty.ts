// Blank charts and entries for forms: every field present, so the form and the schema agree on the shape.
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import type { Chart, DoctorEntry, IllnessEntry, MedicationEntry, VisitEntry } from './chart';
import { todayIso } from './dates';

/** A fresh id for a list entry (diffs and edits follow entries by id, not by position). */
export function newEntryId(): string {
  return bytesToHex(randomBytes(8));
}

export function emptyChart(today: string = todayIso()): Chart {
  return {
    patient: { name: '', birthDate: '', age: null, gender: 'unknown', visitDate: today },
    doctors: [],
    illnesses: [],
    medications: [],
    visits: [],
  };
}

export function emptyDoctor(): DoctorEntry {
  return { id: newEntryId(), name: '', specialty: '', signKey: '', role: 'current', status: 'active' };
}

export function emptyIllness(): IllnessEntry {
  return { id: newEntryId(), condition: '', symptoms: '', onset: '', status: 'active' };
}

export function emptyMedication(today: string = todayIso()): MedicationEntry {
  return {
    id: newEntryId(),
    name: '',
    dose: '',
    route: 'oral',
    frequency: '',
    dosageText: '',
    start: today,
    end: '',
    status: 'active',
    prescribedBy: '',
  };
}

export function emptyVisit(today: string = todayIso()): VisitEntry {
  return { id: newEntryId(), date: today, reason: '', notes: '', doctor: '', status: 'completed' };
}

// Blank charts and entries for forms: every field present, so the form and the schema agree on the shape.
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import type {
  AllergyEntry,
  Chart,
  DoctorEntry,
  IllnessEntry,
  ImmunizationEntry,
  MedicationEntry,
  ProcedureEntry,
  ResultEntry,
  VisitEntry,
} from './chart';
import { todayIso } from './dates';

/** A fresh id for a list entry (diffs and edits follow entries by id, not by position). */
export function newEntryId(): string {
  return bytesToHex(randomBytes(8));
}

export function emptyChart(today: string = todayIso()): Chart {
  return {
    patient: {
      name: '',
      given: '',
      family: '',
      birthDate: '',
      age: null,
      gender: 'unknown',
      visitDate: today,
      phone: '',
      email: '',
      address: '',
    },
    doctors: [],
    illnesses: [],
    medications: [],
    visits: [],
    allergies: [],
    immunizations: [],
    procedures: [],
    results: [],
  };
}

export function emptyDoctor(): DoctorEntry {
  return { id: newEntryId(), name: '', specialty: '', signKey: '', role: 'current', status: 'active' };
}

export function emptyIllness(): IllnessEntry {
  return { id: newEntryId(), condition: '', codes: [], symptoms: '', onset: '', status: 'active' };
}

export function emptyMedication(today: string = todayIso()): MedicationEntry {
  return {
    id: newEntryId(),
    name: '',
    codes: [],
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

export function emptyAllergy(): AllergyEntry {
  return {
    id: newEntryId(),
    substance: '',
    codes: [],
    type: '',
    criticality: '',
    reaction: '',
    onset: '',
    status: 'active',
  };
}

export function emptyImmunization(today: string = todayIso()): ImmunizationEntry {
  return { id: newEntryId(), vaccine: '', codes: [], date: today, status: 'completed' };
}

export function emptyProcedure(today: string = todayIso()): ProcedureEntry {
  return { id: newEntryId(), procedure: '', codes: [], date: today, status: 'completed' };
}

export function emptyResult(today: string = todayIso()): ResultEntry {
  return {
    id: newEntryId(),
    category: 'laboratory',
    test: '',
    codes: [],
    value: '',
    unit: '',
    date: today,
    status: 'final',
  };
}

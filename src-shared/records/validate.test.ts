import { describe, expect, it } from 'vitest';
import { chartErrors, parseChart, validateChart, ChartValidationError } from './validate';
import { emptyChart, emptyMedication } from './empty';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { todayIso } from './dates';

describe('chart validation', () => {
  it('accepts a complete chart and trims text', () => {
    const chart = sampleChart();
    chart.patient.name = '  Amelia Q  ';
    const result = validateChart(chart);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.chart.patient.name).toBe('Amelia Q');
  });

  it('an empty chart asks for a name and a date of birth or age', () => {
    expect(chartErrors(emptyChart())).toEqual([
      { path: 'patient.name', message: 'Name is required' },
      { path: 'patient.birthDate', message: 'Enter a date of birth or an age' },
    ]);
  });

  it('accepts an age instead of a date of birth', () => {
    const chart = sampleChart();
    chart.patient.birthDate = '';
    chart.patient.age = 41;
    expect(chartErrors(chart)).toEqual([]);
  });

  it('reports impossible and future dates with the field label', () => {
    const chart = sampleChart();
    chart.patient.birthDate = '1990-02-30';
    chart.illnesses[0]!.onset = '2999-01-01';
    chart.visits[0]!.date = '20/11/2026';
    expect(chartErrors(chart)).toEqual([
      { path: 'patient.birthDate', message: 'Date of birth has no such day' },
      { path: 'illnesses.0.onset', message: 'Onset cannot be in the future' },
      { path: 'visits.0.date', message: 'Visit date must be a date (YYYY-MM-DD)' },
    ]);
  });

  it('reports medication problems per field', () => {
    const chart = sampleChart();
    chart.medications.push({ ...emptyMedication('2026-01-10'), name: 'Amoxicillin', end: '2026-01-01' });
    (chart.medications[1] as unknown as Record<string, unknown>).route = 'by mouth';
    expect(chartErrors(chart)).toEqual([
      { path: 'medications.1.route', message: expect.stringMatching(/^Route must be one of: oral, sublingual/) },
    ]);
    (chart.medications[1] as unknown as Record<string, unknown>).route = 'oral';
    chart.medications[1]!.dose = '250 mg';
    chart.medications[1]!.frequency = 'three times daily';
    expect(chartErrors(chart)).toEqual([{ path: 'medications.1.end', message: 'End date is before the start date' }]);
  });

  it('accepts a medication with no dose, frequency or start date (all 0..1 in FHIR R4)', () => {
    const chart = sampleChart();
    chart.medications.push({ ...emptyMedication(), name: 'Aspirin', start: '', dosageText: 'as needed' });
    expect(chartErrors(chart)).toEqual([]);
  });

  it('reports missing fields, wrong types and unknown fields', () => {
    const bad = sampleChart() as unknown as Record<string, Record<string, unknown>>;
    delete bad.patient!.gender;
    bad.patient!.age = 'forty';
    bad.patient!.ssn = '123';
    expect(chartErrors(bad)).toEqual([
      { path: 'patient.age', message: 'Age must be a number' },
      { path: 'patient.gender', message: 'Gender is missing' },
      { path: 'patient.ssn', message: 'Unknown field "ssn"' },
    ]);
    expect(chartErrors(null)).toEqual([{ path: '', message: 'Chart must be an object' }]);
    expect(chartErrors({ ...sampleChart(), visits: 'none' })).toEqual([
      { path: 'visits', message: 'Visits must be a list' },
    ]);
  });

  it('refuses two active current doctors and duplicate entry ids', () => {
    const chart = sampleChart();
    chart.doctors[1]!.role = 'current';
    chart.illnesses[1]!.id = 'i1';
    expect(chartErrors(chart)).toEqual([
      { path: 'doctors', message: 'Only one doctor can be the current doctor' },
      { path: 'illnesses.1.id', message: 'Entry id is used twice' },
    ]);
    chart.doctors[1]!.status = 'entered-in-error';
    expect(chartErrors(chart).map((e) => e.path)).toEqual(['illnesses.1.id']);
  });

  it('a visit cannot predate the birth; the date of visit is required', () => {
    const chart = sampleChart();
    chart.patient.visitDate = '1980-01-01';
    expect(chartErrors(chart)).toEqual([
      { path: 'patient.visitDate', message: 'Date of visit is before the date of birth' },
    ]);
    chart.patient.visitDate = '';
    expect(chartErrors(chart)).toEqual([{ path: 'patient.visitDate', message: 'Date of visit is required' }]);
  });

  it('parseChart throws a typed error listing every field', () => {
    expect(() => parseChart(emptyChart())).toThrow(ChartValidationError);
    try {
      parseChart(emptyChart());
    } catch (e) {
      expect((e as ChartValidationError).errors).toHaveLength(2);
      expect((e as Error).message).toContain('patient.name: Name is required');
    }
  });

  it('today is a valid visit date', () => {
    const chart = sampleChart();
    chart.patient.visitDate = todayIso();
    expect(chartErrors(chart)).toEqual([]);
  });
});

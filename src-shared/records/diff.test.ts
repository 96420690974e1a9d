import { describe, expect, it } from 'vitest';
import { diffCharts } from './diff';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { emptyIllness } from './empty';

describe('diffCharts', () => {
  it('finds no change between equal charts', () => {
    expect(diffCharts(sampleChart(), sampleChart())).toEqual([]);
  });

  it('reports patient field changes with labels', () => {
    const b = sampleChart();
    b.patient.name = 'Amelia Q. Smith';
    expect(diffCharts(sampleChart(), b)).toEqual([
      { path: 'patient.name', before: 'Amelia Quartermaine', after: 'Amelia Q. Smith', label: 'Name' },
    ]);
  });

  it('follows entries by id: an insertion at the top is one addition, a status change is one field', () => {
    const a = sampleChart();
    const b = sampleChart();
    const added = { ...emptyIllness(), condition: 'Asthma' };
    b.illnesses.unshift(added);
    b.medications[0]!.status = 'entered-in-error';
    const diff = diffCharts(a, b);
    expect(diff).toEqual([
      { path: `illnesses[${added.id}]`, before: null, after: added, label: 'Illness "Asthma" added' },
      {
        path: 'medications[m1].status',
        before: 'active',
        after: 'entered-in-error',
        label: 'Medication "Metformin" › Status',
      },
    ]);
  });

  it('reports a removed entry with its old value', () => {
    const a = sampleChart();
    const b = sampleChart();
    b.visits = [];
    expect(diffCharts(a, b)).toEqual([
      { path: 'visits[v1]', before: a.visits[0], after: null, label: 'Visit "2026-11-20" removed' },
    ]);
  });

  it('against no previous version lists filled fields and every entry as added', () => {
    const chart = sampleChart();
    const diff = diffCharts(null, chart);
    expect(diff.map((d) => d.path)).toEqual([
      'patient.name',
      'patient.birthDate',
      'patient.gender',
      'patient.visitDate',
      'doctors[d1]',
      'doctors[d2]',
      'illnesses[i1]',
      'illnesses[i2]',
      'medications[m1]',
      'visits[v1]',
    ]);
  });

  it('lists code changes as readable values and names an entry with an empty title field by its id', () => {
    const a = sampleChart();
    const b = structuredClone(a);
    b.illnesses[0]!.codes = [
      { system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2' },
    ];
    b.visits[0]!.date = '';
    expect(diffCharts(a, b)).toEqual([
      {
        path: 'illnesses[i1].codes',
        before: null,
        after: 'SNOMED CT 44054006 (Diabetes mellitus type 2)',
        label: 'Illness "Type 2 diabetes mellitus" › Codes',
      },
      { path: 'visits[v1].date', before: '2026-11-20', after: '', label: 'Visit "v1" › Date' },
    ]);
    // Equal code lists are no change.
    expect(diffCharts(b, structuredClone(b))).toEqual([]);
  });
});

import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fullSampleChart, sampleChart } from '../../../test/fixtures/sample-chart';
import '../test/render';
import { ChartHeaderFacts, patientAge } from './ChartHeaderFacts';
import { SectionView } from './SectionView';
import { chartSections } from '../../../src-shared/records';

describe('ChartHeaderFacts', () => {
  it('computes the age from the date of birth, to the day', () => {
    const chart = sampleChart(); // born 1984-03-09
    render(<ChartHeaderFacts chart={chart} today="2026-03-08" />);
    expect(screen.getByText('Age').nextElementSibling!.textContent).toBe('41 years');
    expect(patientAge(chart.patient, '2026-03-09')).toBe(42);
  });

  it('uses the recorded age only when the date of birth is unknown, and a dash when neither is known', () => {
    const chart = sampleChart();
    chart.patient.birthDate = '';
    chart.patient.age = 1;
    const { rerender } = render(<ChartHeaderFacts chart={chart} today="2026-03-08" />);
    expect(screen.getByText('1 year')).toBeTruthy();
    chart.patient.age = null;
    rerender(<ChartHeaderFacts chart={{ ...chart, patient: { ...chart.patient } }} today="2026-03-08" />);
    expect(screen.getByText('—')).toBeTruthy();
  });

  it('lists the active allergies, with high criticality and the reaction, and says when none are recorded', () => {
    const chart = fullSampleChart();
    chart.allergies.push({ ...chart.allergies[0]!, id: 'a2', substance: 'Latex', status: 'entered-in-error' });
    const { unmount } = render(<ChartHeaderFacts chart={chart} today="2026-03-08" />);
    expect(screen.getByText('Penicillin — high criticality — Hives')).toBeTruthy();
    expect(screen.queryByText(/Latex/)).toBeNull();
    unmount();
    render(<ChartHeaderFacts chart={sampleChart()} today="2026-03-08" />);
    expect(screen.getByText('None recorded')).toBeTruthy();
  });

  it('the General information view shows the computed age next to a date of birth, not a dash', () => {
    const chart = sampleChart();
    render(<SectionView section={chartSections[0]!} chart={chart} />);
    const age = screen.getByText('Age (years)').nextElementSibling!;
    expect(age.textContent).toMatch(/^\d+$/);
  });
});

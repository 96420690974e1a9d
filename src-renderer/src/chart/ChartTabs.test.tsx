import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { chartSections, type ChartSection } from '../../../src-shared/records';
import { sampleChart } from '../../../test/fixtures/sample-chart';
import '../test/render';
import { ChartTabs } from './ChartTabs';
import { SectionView } from './SectionView';

function renderChart(chart = sampleChart()) {
  return render(<ChartTabs render={(section) => <SectionView section={section} chart={chart} />} />);
}

describe('ChartTabs', () => {
  it('draws one tab per tab-heading section of the shared configuration, with the exact section titles', () => {
    renderChart();
    const tabs = within(screen.getByRole('tablist', { name: 'Chart sections' })).getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(chartSections.filter((s) => s.id === s.tab).map((s) => s.title));
    expect(tabs.map((t) => t.textContent)).toEqual([
      'General information',
      'Doctors',
      'Illness',
      'Medication',
      'Visits',
    ]);
    expect(screen.getByRole('tab', { name: 'General information' }).getAttribute('aria-selected')).toBe('true');
  });

  it('follows the configuration: a section added to it becomes a tab', () => {
    const sections: ChartSection[] = [
      chartSections[0]!,
      { ...(chartSections[2] as ChartSection), title: 'Conditions' },
    ];
    render(<ChartTabs sections={sections} render={(s) => <p>panel {s.id}</p>} />);
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['General information', 'Conditions']);
  });

  it('shows the selected section in a labelled tab panel and switches with the mouse and the arrow keys', async () => {
    const user = userEvent.setup();
    renderChart();
    const general = screen.getByRole('tabpanel', { name: 'General information' });
    expect(general.textContent).toContain('Amelia Quartermaine');
    // Option values read as their labels ('female' → 'Female').
    expect(within(general).getByText('Female')).toBeTruthy();

    await user.click(screen.getByRole('tab', { name: 'Medication' }));
    const panel = screen.getByRole('tabpanel', { name: 'Medication' });
    expect(within(panel).getByRole('columnheader', { name: 'Dose' })).toBeTruthy();
    expect(within(panel).getByRole('cell', { name: '500 mg' })).toBeTruthy();

    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Visits' }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tabpanel', { name: 'Visits' }).textContent).toContain('Diabetes review');
  });

  it('labels option values, keeps entries entered in error visible (struck through) and says when a list is empty', async () => {
    const user = userEvent.setup();
    const chart = sampleChart();
    chart.illnesses[1]!.status = 'entered-in-error';
    chart.visits = [];
    renderChart(chart);
    await user.click(screen.getByRole('tab', { name: 'Illness' }));
    const panel = screen.getByRole('tabpanel', { name: 'Illness' });
    expect(within(panel).getByText('Entered in error')).toBeTruthy();
    expect(within(panel).getByText('Community-acquired pneumonia').tagName).toBe('S');
    await user.click(screen.getByRole('tab', { name: 'Visits' }));
    expect(screen.getByRole('tabpanel', { name: 'Visits' }).textContent).toContain('No visit recorded.');
  });
});

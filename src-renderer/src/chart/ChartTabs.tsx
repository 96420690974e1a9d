// The chart's tabs: the paper's four (General information, Doctors, Illness, Medication) and Visits, from the shared
// section configuration. A tab draws every section assigned to it (Illness: procedures, results and vital signs;
// Medication: allergies and immunizations), each under its own heading. Radix Tabs supplies the ARIA tablist pattern
// and arrow-key navigation.
import * as Tabs from '@radix-ui/react-tabs';
import { useState, type ReactNode } from 'react';
import { chartSections, chartTabs, type ChartSection } from '../../../src-shared/records';

/** A tab that is no chart section (e.g. the kiosk's Access tab): drawn after the section tabs, in the given order. */
export interface ExtraTab {
  id: string;
  title: string;
  render: () => ReactNode;
}

interface ChartTabsProps {
  /** Draws one section's panel. */
  render: (section: ChartSection) => ReactNode;
  /** Number of errors per section id, shown on its tab while editing. */
  errorCounts?: Partial<Record<ChartSection['id'], number>>;
  label?: string;
  sections?: readonly ChartSection[];
  extraTabs?: readonly ExtraTab[];
}

export function ChartTabs({
  render,
  errorCounts = {},
  label = 'Chart sections',
  sections = chartSections,
  extraTabs = [],
}: ChartTabsProps) {
  const tabs = chartTabs(sections);
  const [current, setCurrent] = useState<string>(tabs[0]?.id ?? 'general');
  const countOf = (tab: (typeof tabs)[number]) => tab.sections.reduce((n, s) => n + (errorCounts[s.id] ?? 0), 0);
  return (
    <Tabs.Root value={current} onValueChange={setCurrent}>
      <Tabs.List className="tabs-list" aria-label={label}>
        {tabs.map((tab) => {
          const count = countOf(tab);
          return (
            <Tabs.Trigger
              key={tab.id}
              value={tab.id}
              className="tabs-trigger"
              aria-describedby={count > 0 ? `tab-errors-${tab.id}` : undefined}
            >
              {tab.title}
              {count > 0 && (
                <span className="badge badge-danger tab-error-count" aria-hidden="true">
                  {count}
                </span>
              )}
            </Tabs.Trigger>
          );
        })}
        {extraTabs.map((tab) => (
          <Tabs.Trigger key={tab.id} value={tab.id} className="tabs-trigger">
            {tab.title}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      {/* Outside the triggers so the tab names stay exactly the section titles. */}
      {tabs.map((tab) => {
        const count = countOf(tab);
        return count > 0 ? (
          <span key={tab.id} id={`tab-errors-${tab.id}`} className="visually-hidden">
            {count === 1 ? '1 error' : `${count} errors`}
          </span>
        ) : null;
      })}
      {tabs.map((tab) => (
        <Tabs.Content key={tab.id} value={tab.id} className="tabs-content">
          {tab.sections.length === 1
            ? render(tab.sections[0]!)
            : tab.sections.map((section) => (
                <section key={section.id} aria-labelledby={`section-${section.id}`} className="chart-section">
                  <h3 id={`section-${section.id}`} className="chart-section-title">
                    {section.title}
                  </h3>
                  {render(section)}
                </section>
              ))}
        </Tabs.Content>
      ))}
      {extraTabs.map((tab) => (
        <Tabs.Content key={tab.id} value={tab.id} className="tabs-content">
          {tab.render()}
        </Tabs.Content>
      ))}
    </Tabs.Root>
  );
}

/** Counts field errors per section (paths start with the section's chart property). */
export function countErrors(errors: Record<string, string>, sections: readonly ChartSection[] = chartSections) {
  const counts: Partial<Record<ChartSection['id'], number>> = {};
  for (const path of Object.keys(errors)) {
    const section = sections.find((s) => path === s.path || path.startsWith(`${s.path}.`));
    if (section) counts[section.id] = (counts[section.id] ?? 0) + 1;
  }
  return counts;
}

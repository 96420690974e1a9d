// The chart's tabs, one per section of the shared configuration (General information, Doctors, Illness, Medication,
// Visits). Radix Tabs supplies the ARIA tablist pattern and arrow-key navigation.
import * as Tabs from '@radix-ui/react-tabs';
import { useState, type ReactNode } from 'react';
import { chartSections, type ChartSection } from '../../../src-shared/records';

interface ChartTabsProps {
  /** Draws one section's panel. */
  render: (section: ChartSection) => ReactNode;
  /** Number of errors per section id, shown on its tab while editing. */
  errorCounts?: Partial<Record<ChartSection['id'], number>>;
  label?: string;
  sections?: readonly ChartSection[];
}

export function ChartTabs({
  render,
  errorCounts = {},
  label = 'Chart sections',
  sections = chartSections,
}: ChartTabsProps) {
  const [current, setCurrent] = useState<string>(sections[0]?.id ?? 'general');
  return (
    <Tabs.Root value={current} onValueChange={setCurrent}>
      <Tabs.List className="tabs-list" aria-label={label}>
        {sections.map((section) => {
          const count = errorCounts[section.id] ?? 0;
          return (
            <Tabs.Trigger
              key={section.id}
              value={section.id}
              className="tabs-trigger"
              aria-describedby={count > 0 ? `tab-errors-${section.id}` : undefined}
            >
              {section.title}
              {count > 0 && (
                <span className="badge badge-danger tab-error-count" aria-hidden="true">
                  {count}
                </span>
              )}
            </Tabs.Trigger>
          );
        })}
      </Tabs.List>
      {/* Outside the triggers so the tab names stay exactly the section titles. */}
      {sections.map((section) =>
        (errorCounts[section.id] ?? 0) > 0 ? (
          <span key={section.id} id={`tab-errors-${section.id}`} className="visually-hidden">
            {errorCounts[section.id] === 1 ? '1 error' : `${errorCounts[section.id]} errors`}
          </span>
        ) : null,
      )}
      {sections.map((section) => (
        <Tabs.Content key={section.id} value={section.id} className="tabs-content">
          {render(section)}
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

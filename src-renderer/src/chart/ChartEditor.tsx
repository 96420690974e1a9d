// The whole chart as an editable form: the shared sections as tabs, each tab an editor for its section.
import { chartSections } from '../../../src-shared/records';
import { ChartTabs, countErrors } from './ChartTabs';
import { SectionEditor } from './SectionEditor';
import type { useChartForm } from './useChartForm';

interface ChartEditorProps {
  form: ReturnType<typeof useChartForm>;
  savedIds?: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

export function ChartEditor({ form, savedIds = NONE }: ChartEditorProps) {
  return (
    <ChartTabs
      label="Chart sections"
      sections={chartSections}
      errorCounts={countErrors(form.visibleErrors)}
      render={(section) => (
        <SectionEditor
          section={section}
          chart={form.draft}
          onChange={form.setDraft}
          errors={form.errors}
          shown={form.shown}
          onTouch={form.touch}
          savedIds={savedIds}
        />
      )}
    />
  );
}

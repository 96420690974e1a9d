// Playwright's list reporter shows a skipped test's title but not why it was skipped; this reporter prints the
// reason under it, so a skip is never silent in the run's own output.
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SkipReasonReporter implements Reporter {
  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const reasons = test.annotations
      .filter((a) => a.type === 'skip' || a.type === 'fixme')
      .map((a) => a.description ?? '(no reason given)');
    console.log(`  skipped: ${test.title} — ${reasons.length ? reasons.join('; ') : '(no reason given)'}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}

// Totals vitest's and Playwright's JSON reports into the one plain line CI reads: "N passed, N failed, N skipped".
import { readFileSync, existsSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

// The first non-empty line of an error message, without colour codes, cut to a readable length.
function firstLine(text) {
  const line = stripVTControlCharacters(String(text ?? ''))
    .split('\n')
    .find((l) => l.trim());
  return (line ?? 'no message').trim().slice(0, 300);
}

let passed = 0,
  failed = 0,
  skipped = 0;
const skippedNames = [];
// Failed tests are named last, right above the totals, so that a CI log cut to its tail still says what failed.
const failedNames = [];
// A test that failed and then passed on CI's one retry (vitest.config.ts) is named as flaky, never hidden.
const flakyNames = [];
const missing = [];

const vitestFile = '.reports/vitest.json';
const hasFailedTest = (file) => (file.assertionResults ?? []).some((t) => t.status === 'failed');
if (existsSync(vitestFile)) {
  const r = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A suite that failed to load, or whose hook failed (its tests then show as skipped), has no failed test but must
  // still count as a failure.
  for (const file of r.testResults ?? []) {
    if (file.status === 'failed' && !hasFailedTest(file)) failed += 1;
    // Skipped tests carry their reason in their name (e.g. "[needs BIGCHAINDB_URL] …"): list them, never hide them.
    if (file.status === 'failed' && !hasFailedTest(file))
      failedNames.push(`vitest: ${file.name}: ${firstLine(file.message)}`);
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'skipped' || t.status === 'pending') skippedNames.push(`vitest: ${t.fullName ?? t.title}`);
      if (t.status === 'passed' && (t.failureMessages ?? []).length)
        flakyNames.push(`vitest: ${file.name} › ${t.fullName ?? t.title}: ${firstLine(t.failureMessages[0])}`);
      if (t.status === 'failed')
        failedNames.push(`vitest: ${file.name} › ${t.fullName ?? t.title}: ${firstLine(t.failureMessages?.[0])}`);
    }
  }
} else missing.push('vitest');

const pwFile = '.reports/playwright.json';
if (existsSync(pwFile)) {
  const r = JSON.parse(readFileSync(pwFile, 'utf8'));
  const s = r.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  for (const e of r.errors ?? []) {
    failed += 1;
    console.error('playwright error:', e.message ?? e);
  }
  const walk = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? []) {
        if (t.status === 'flaky')
          flakyNames.push(
            `playwright: ${spec.file ?? ''} › ${spec.title}: ${firstLine(t.results?.[0]?.error?.message)}`,
          );
        if (t.status === 'unexpected')
          failedNames.push(
            `playwright: ${spec.file ?? ''} › ${spec.title}: ${firstLine(t.results?.at(-1)?.error?.message)}`,
          );
        if (t.status !== 'skipped') continue;
        const why = (t.annotations ?? [])
          .filter((a) => a.type === 'skip')
          .map((a) => a.description)
          .filter(Boolean)
          .join('; ');
        skippedNames.push(`playwright: ${spec.title}${why ? ` — skipped: ${why}` : ''}`);
      }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of r.suites ?? []) walk(suite);
} else missing.push('playwright');

// A stage without test counts (typecheck, lint) that failed still counts as one failure.
const stagesFile = '.reports/stages.json';
if (existsSync(stagesFile)) {
  for (const stage of JSON.parse(readFileSync(stagesFile, 'utf8'))) {
    if (!stage.ok && (stage.name === 'typecheck' || stage.name === 'lint')) {
      failed += 1;
      console.error(`stage failed: ${stage.name}`);
    }
  }
}

if (missing.length) console.error(`no report from: ${missing.join(', ')} (counted as 1 failure each)`);
failed += missing.length;
if (skippedNames.length)
  console.log(`skipped tests (${skippedNames.length}):\n${skippedNames.map((n) => `  - ${n}`).join('\n')}`);
if (flakyNames.length)
  console.log(`flaky tests, passed on retry (${flakyNames.length}):\n${flakyNames.map((n) => `  - ${n}`).join('\n')}`);
if (failedNames.length)
  console.log(`failed tests (${failedNames.length}):\n${failedNames.map((n) => `  - ${n}`).join('\n')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);

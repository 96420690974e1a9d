// `npm test`: every stage CI runs — typecheck, lint, unit + integration (vitest), end-to-end (Playwright).
// Each stage runs even when an earlier one failed, so one report shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const stages = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['unit+integration', 'npm', ['run', '--silent', 'test:unit']],
  ['e2e', 'npm', ['run', '--silent', 'test:e2e']],
];

const results = [];
for (const [name, cmd, args] of stages) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const { status } = spawnSync(cmd, args, { stdio: 'inherit' });
  results.push({ name, ok: status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

mkdirSync('.reports', { recursive: true });
writeFileSync('.reports/stages.json', JSON.stringify(results, null, 2));
console.log('\nstages:');
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);

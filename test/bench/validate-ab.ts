// CPU of validating one ledger transaction (validateTransaction, the links of a v3 cold list and every POST the node
// commits), this tree against a base tree, alternated chart by chart in one process (docs/BENCHMARKS.md "helper valid15e").
// The transactions are real v3 versions made by the app's writer (with and without a custody quorum), made once into
// a file by a child process. Each batch is made of different charts, validated once by each tree.
//   npx tsx test/bench/validate-ab.ts --base=/work/wt/<you>-base [--charts=100] [--batches=9] [--only=import]
//     [--file=<made.json>]
//   npx tsx test/bench/validate-ab.ts --make=<made.json> [--charts=200]
import type * as Ledger from '../../src-shared/ledger';
import { makeV3ValidationRows } from '../fixtures/v3-validation-rows';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { printBatches, type AbFigures } from './ab-figures';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const charts = Number(arg('charts', '100'));
const batches = Number(arg('batches', '9'));
// --only=import: the CREATE without custody alone (what the CLI import posts, issue #16)
const onlyImport = arg('only', '') === 'import';

/** Per chart: a CREATE and a TRANSFER under a 2-of-3 custody quorum, and a CREATE with no custody (an import). */
async function make(file: string) {
  writeFileSync(file, JSON.stringify(await makeV3ValidationRows(charts * batches + 20)));
}

type Validate = typeof Ledger.validateTransaction;
type Context = typeof Ledger.contextFromTransactions;

async function main() {
  const making = arg('make', '');
  if (making) return make(making);
  const base = arg('base', '');
  if (!base) throw new Error('--base=<a worktree of the base commit> is required');
  const file = arg('file', `/tmp/validate-ab-${charts}x${batches}.json`);
  if (!existsSync(file))
    execFileSync(
      process.execPath,
      [...process.execArgv, process.argv[1]!, `--make=${file}`, `--charts=${charts}`, `--batches=${batches}`],
      {
        stdio: 'inherit',
      },
    );
  // About one key in 400,000 (a zero first byte, a small second) is written in 42 base58 characters, which the
  // reference's schema refuses ([1-9a-zA-Z^OIl]{43,44}); the writer avoids them since the owner-key rule
  // (docs/UNLINKABLE.md §3), but a file made before may hold some: such charts are left out, so that both trees
  // validate the same valid transactions.
  const all = JSON.parse(readFileSync(file, 'utf8')) as Ledger.Transaction[][];
  const made = all.filter((row) => !/"[1-9A-HJ-NP-Za-km-z]{36,42}"/.test(JSON.stringify(row)));
  if (made.length < charts * batches) throw new Error(`only ${made.length} charts are valid; make more`);
  const load = async (root: string) =>
    (await import(resolve(root, 'src-shared/ledger/index.ts'))) as {
      validateTransaction: Validate;
      contextFromTransactions: Context;
    };
  const sides = { base: await load(base), branch: await load(resolve(import.meta.dirname, '../..')) };
  const crypto = nativeLedgerCrypto;
  // Each chart is new transactions to both sides (a cold list validates each once): nothing either tree remembers
  // from an earlier chart applies, only what it remembers within the chart. The sides alternate chart by chart (which
  // one goes first alternates too), so both see the same load on this shared host; a batch sums its charts.
  const validate = (
    { validateTransaction, contextFromTransactions }: (typeof sides)['base'],
    row: Ledger.Transaction[],
  ) => {
    const [created, next, imported] = row as [Ledger.Transaction, Ledger.Transaction, Ledger.Transaction];
    const start = cpuUsage();
    const empty = contextFromTransactions([]);
    if (onlyImport) {
      if (!validateTransaction(imported, empty, crypto).ok) throw new Error('a CREATE was refused');
      const used = cpuUsage(start);
      return used.user + used.system;
    }
    for (const tx of [created, imported]) {
      const v = validateTransaction(tx, empty, crypto);
      if (!v.ok) throw new Error(`a CREATE was refused: ${JSON.stringify(v.error)}`);
    }
    if (!validateTransaction(next, contextFromTransactions([created]), crypto).ok)
      throw new Error('a TRANSFER was refused');
    const used = cpuUsage(start);
    return used.user + used.system;
  };
  const figures: AbFigures = { base: [], branch: [] };
  for (let b = 0; b < batches; b++) {
    const sum = { base: 0, branch: 0 };
    made.slice(b * charts, (b + 1) * charts).forEach((row, i) => {
      const order = (b + i) % 2 === 0 ? (['base', 'branch'] as const) : (['branch', 'base'] as const);
      for (const side of order) sum[side] += validate(sides[side], row);
    });
    for (const side of ['base', 'branch'] as const) figures[side].push(sum[side] / (charts * (onlyImport ? 1 : 3)));
  }
  console.log(
    `${onlyImport ? `${charts} CREATEs without custody` : `${charts * 3} transactions (CREATE+TRANSFER under custody, CREATE without)`} a batch, ${batches} batches; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  printBatches(figures, 'transaction');
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

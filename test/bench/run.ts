// `npm run bench -- <name>…` runs the named benchmarks (all but list-ab when none is named). Benchmarks print figures;
// they are never part of `npm test`, because timing on a shared 2-core machine is not a pass/fail signal.
const benches: Record<string, () => Promise<{ main(argv: string[]): Promise<void> }>> = {
  ledger: () => import('./ledger'),
  charts: () => import('./charts'),
  vault: () => import('./vault'),
  emergency: () => import('./emergency'),
  'list-ab': () => import('./list-ab'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// list-ab needs an older tree to compare with (--base), so it runs only when named.
const names = wanted.length ? wanted : Object.keys(benches).filter((name) => name !== 'list-ab');
for (const name of names) {
  const load = benches[name];
  if (!load) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench: ${name} ===`);
  await (await load()).main(process.argv.slice(2));
}

// A module, so the top-level await above type-checks.
export {};

// `npm run bench -- <name>…` runs the named benchmarks (all but list-ab when none is named). Benchmarks print figures;
// they are never part of `npm test`, because timing on a shared 2-core machine is not a pass/fail signal.
const benches: Record<string, () => Promise<{ main(argv: string[]): Promise<void> }>> = {
  ledger: () => import('./ledger'),
  charts: () => import('./charts'),
  'cli-import': () => import('./cli-import'),
  vault: () => import('./vault'),
  emergency: () => import('./emergency'),
  'emergency-index-v3': () => import('./emergency-index-v3'),
  'list-ab': () => import('./list-ab'),
  'list-fresh': () => import('./list-fresh'),
  'unlinkable-discovery': () => import('./unlinkable-discovery'),
  'unlinkable-ledger': () => import('./unlinkable-ledger'),
  'v3-floor': () => import('./v3-floor'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// list-ab and list-fresh need an older tree to compare with (--base), unlinkable-discovery builds a ledger of ~100,000
// transactions, unlinkable-ledger one of ~500,000 (cached), and cli-import uses the keychain: they run only when named.
const ONLY_WHEN_NAMED = new Set([
  'emergency-index-v3',
  'list-ab',
  'list-fresh',
  'unlinkable-discovery',
  'unlinkable-ledger',
  'cli-import',
]);
const names = wanted.length ? wanted : Object.keys(benches).filter((name) => !ONLY_WHEN_NAMED.has(name));
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

import { validateTransaction } from '../src-shared/ledger';
import { nodeCryptoProvider } from '../src-main/ledger/node-crypto';
import { indexDocument } from '../src-main/ledger-node/search/text-search';
import { makeKey } from '../test/integration/ledger-node/support/keys';
import { createTx } from '../test/integration/ledger-node/support/transactions';
const keys = Array.from({ length: 16 }, () => makeKey());
const bodies = Array.from({ length: 3000 }, (_, i) => JSON.stringify(createTx(keys[i % 16]!, { type: 'hc.chart/1', chart: `c${i}-${Math.random().toString(36).slice(2)}`, pad: 'x'.repeat(140) }, { seq: 1, note: 'bench' })));
const ctx = { getTransaction: () => null, spentBy: () => null };
function time(name: string, fn: (b: string) => void) {
  for (const b of bodies.slice(0, 300)) fn(b);
  const t0 = performance.now(); for (const b of bodies) fn(b); const dt = performance.now() - t0;
  console.log(name.padEnd(20), (dt * 1000 / bodies.length).toFixed(1), 'µs/tx');
}
const parsed = bodies.map((b) => JSON.parse(b));
time('JSON.parse', (b) => JSON.parse(b));
time('validate', (b) => { if (!validateTransaction(JSON.parse(b), ctx, nodeCryptoProvider).ok) throw new Error('x'); });
let i = 0;
time('stringify', () => JSON.stringify(parsed[(i++) % parsed.length]));
time('index asset+meta', (b) => { const t = JSON.parse(b); indexDocument({ data: t.asset.data, id: t.id }); indexDocument({ id: t.id, metadata: t.metadata }); });

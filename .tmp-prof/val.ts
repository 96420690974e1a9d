import { validateTransaction } from '../src-shared/ledger';
import { nodeCryptoProvider } from '../src-main/ledger/node-crypto';
import { makeKey } from '../test/integration/ledger-node/support/keys';
import { createTx } from '../test/integration/ledger-node/support/transactions';
const keys = Array.from({ length: 16 }, () => makeKey());
const bodies = Array.from({ length: 4000 }, (_, i) => JSON.stringify(createTx(keys[i % 16]!, { type: 'hc.chart/1', chart: `c${i}`, pad: 'x'.repeat(140) }, { seq: 1, note: 'bench' })));
const ctx = { getTransaction: () => null, spentBy: () => null };
for (let r = 0; r < 3; r++) { const t0 = performance.now(); for (const b of bodies) validateTransaction(JSON.parse(b), ctx, nodeCryptoProvider); console.log(((performance.now() - t0) * 1000 / bodies.length).toFixed(1), 'µs'); }

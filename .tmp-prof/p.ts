import { startLedgerNode } from '/work/main/src-main/ledger-node/node';
import { makeKey } from '/work/main/test/integration/ledger-node/support/keys';
import { createTx } from '/work/main/test/integration/ledger-node/support/transactions';
import { mkdtempSync } from 'node:fs';
const node = await startLedgerNode({ dataDir: mkdtempSync('/tmp/ln-'), port: 0 });
const alice = makeKey();
for (let k = 0; k < 3; k++) {
  let t0 = performance.now();
  for (let i = 0; i < 20; i++) await (await fetch(node.url + '/')).text();
  console.log('GET /', ((performance.now() - t0) / 20).toFixed(2));
  for (const mode of ['async', 'sync', 'commit']) {
    const txs = Array.from({ length: 20 }, (_, i) => createTx(alice, { i, r: Math.random() }, null));
    t0 = performance.now();
    for (const tx of txs) await (await fetch(node.url + '/api/v1/transactions?mode=' + mode, { method: 'POST', body: JSON.stringify(tx) })).text();
    console.log(mode, ((performance.now() - t0) / 20).toFixed(2));
  }
}
await node.stop();

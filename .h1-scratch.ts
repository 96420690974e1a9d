import * as L from './src-shared/ledger/index';
import { nodeCryptoProvider as nc } from './src-main/ledger/node-crypto';
import { createPrivateKey, sign as nsign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
const seed = new Uint8Array(32).fill(7);
const pk = L.toBase58(ed25519.getPublicKey(seed));
const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed)]);
const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
const signer: L.Signer = async (_p, m) => nsign(null, m, key);
const N = 3000;
const creates: L.Transaction[] = [];
let t = performance.now();
for (let i = 0; i < N; i++) {
  creates.push(await L.signTransaction(L.makeCreate({ type: 'hc.chart/1', chart: 'c' + i }, { type: 'hc.chart.version/1', action: 'create', seq: 1, at: new Date().toISOString(), author: pk, readers: [{ key: pk, wrap: 'x'.repeat(120) }], nonce: 'n'.repeat(32), box: 'b'.repeat(2000) }, [L.ed25519Output(pk)], [pk]), signer, { crypto: nc }));
}
console.log('build+sign CREATE (node crypto) /s', Math.round(N / ((performance.now() - t) / 1000)));
const wire = creates.map((c) => JSON.parse(JSON.stringify(c)));
const ctx = L.contextFromTransactions([]);
t = performance.now();
for (const tx of wire) if (!L.validateTransaction(tx, ctx, nc).ok) throw new Error('bad');
console.log('validate CREATE (node crypto) /s', Math.round(N / ((performance.now() - t) / 1000)));
t = performance.now();
for (const tx of wire) JSON.parse(JSON.stringify(tx));
console.log('JSON roundtrip only /s', Math.round(N / ((performance.now() - t) / 1000)));
const all = L.contextFromTransactions(creates);
const transfers = [];
for (const c of creates) transfers.push(JSON.parse(JSON.stringify(await L.signTransaction(L.makeTransfer([{ tx: c, outputIndex: 0 }], [L.ed25519Output(pk)], { type: 'v', seq: 2 }), signer, { crypto: nc }))));
t = performance.now();
for (const tx of transfers) if (!L.validateTransaction(tx, all, nc).ok) throw new Error('bad t');
console.log('validate TRANSFER (node crypto) /s', Math.round(N / ((performance.now() - t) / 1000)));
t = performance.now();
for (const tx of wire.slice(0, 300)) if (!L.validateTransaction(tx, ctx).ok) throw new Error('bad');
console.log('validate CREATE (pure JS) /s', Math.round(300 / ((performance.now() - t) / 1000)));
// profile pieces
t = performance.now();
for (const tx of wire) L.checkTransactionStructure(tx, nc);
console.log('structure only /s', Math.round(N / ((performance.now() - t) / 1000)));
for (let round = 0; round < 2; round++) {
  t = performance.now();
  for (const tx of wire) L.validateTransaction(tx, ctx, nc);
  const full = performance.now() - t;
  t = performance.now();
  for (const tx of wire) L.checkTransactionStructure(tx, nc);
  const st = performance.now() - t;
  const ffs = wire.map((tx) => L.parseFulfillment(L.fromBase64Url(tx.inputs[0].fulfillment)!));
  const base = wire.map((tx) => L.inputDigest(tx, 0, nc));
  t = performance.now();
  for (let i = 0; i < N; i++) L.verifyFulfillment(ffs[i]!, base[i]!, nc);
  const ver = performance.now() - t;
  t = performance.now();
  for (const tx of wire) L.inputDigest(tx, 0, nc);
  const dig = performance.now() - t;
  console.log({ fullUs: (full / N) * 1000, structureUs: (st / N) * 1000, verifyUs: (ver / N) * 1000, digestUs: (dig / N) * 1000 });
}

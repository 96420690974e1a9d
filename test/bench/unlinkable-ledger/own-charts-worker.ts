// Worker of the unlinkable-ledger benchmark: builds a range of the doctor's own envelope v3 charts with the app's real
// builder (version-builder-v3.ts: real tweaked signatures, real sealed slots, its list tag j from the counters), so
// the app verifies and opens them as any chart. Chart j has 1 + j % 3 versions; chart 0 introduces the patient card
// (its card tag); every `changedEvery`-th chart gets one more version kept apart for the catch-up ledger. tweetnacl's
// box runs on libsodium in this thread (native-nacl-box.ts: the same function, checked).
import { parentPort, workerData } from 'node:worker_threads';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { cardTagOf } from '../../../src-main/records/card-chart-v3';
import { V3Counters } from '../../../src-main/records/v3-counters';
import { buildCreateV3, buildVersionV3, type V3Written } from '../../../src-main/records/version-builder-v3';
import { payloadOf } from '../../../src-shared/records/payload';
import { sampleChart } from '../../fixtures/sample-chart';
import { useNativeNaclBox } from './native-nacl-box';

export interface OwnChartsJob {
  seed: string;
  cardSeed: string;
  from: number;
  to: number;
  changedEvery: number;
}

export interface BuiltOwnChart {
  j: number;
  /** The chart's transactions in ledger order, as posted (JSON). */
  txs: string[];
  /** One more version for the catch-up ledger, or null. */
  next: string | null;
}

const job = workerData as OwnChartsJob;
useNativeNaclBox();
const doctor = new SeedKeyHolder(Buffer.from(job.seed, 'hex'), nativeKeyHolderCrypto);
const card = new SeedKeyHolder(Buffer.from(job.cardSeed, 'hex'), nativeKeyHolderCrypto);
const custodian = { signKey: doctor.signKey, boxKey: doctor.boxKey, name: 'Dr Bench' };
const crypto = nativeLedgerCrypto;
const at = new Date('2026-06-01T00:00:00Z');

let batch: BuiltOwnChart[] = [];
for (let j = job.from; j < job.to; j++) {
  const counters = new V3Counters({ list: { [doctor.boxKey]: j }, intro: {} });
  const chart = sampleChart(`Patient ${j}`);
  const patient = j === 0 ? { signKey: card.signKey, boxKey: card.boxKey } : null;
  const payload = () => payloadOf(chart, patient, custodian, []);
  let written: V3Written = await buildCreateV3(doctor, payload(), {
    crypto,
    counters,
    cardTag: j === 0 ? cardTagOf(card) : null,
    at,
  });
  const chartId = written.tx.id;
  const txs = [JSON.stringify(written.tx)];
  for (let v = 1; v <= j % 3; v++) {
    chart.visits[0]!.notes = `Review ${v}`;
    written = await buildVersionV3(doctor, written.head, chartId, 'update', payload(), { crypto, counters, at });
    txs.push(JSON.stringify(written.tx));
  }
  let next: string | null = null;
  if (job.changedEvery > 0 && j % job.changedEvery === 0) {
    chart.visits[0]!.notes = 'Changed on another workstation';
    next = JSON.stringify(
      (await buildVersionV3(doctor, written.head, chartId, 'update', payload(), { crypto, counters, at })).tx,
    );
  }
  batch.push({ j, txs, next });
  if (batch.length >= 100) {
    parentPort!.postMessage(batch);
    batch = [];
  }
}
parentPort!.postMessage(batch);
parentPort!.postMessage('done');

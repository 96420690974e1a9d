// The pool runs real worker threads (through tsx, as in development) and must give exactly the verdicts the
// main-thread validator gives, including when a worker dies mid-job.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import type { Transaction } from '../../src-shared/ledger';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { payloadOf } from '../../src-shared/records/payload';
import { nativeLedgerCrypto as crypto } from '../crypto/ledger-crypto';
import { buildCreate, buildVersion } from '../records/version-builder';
import { validateWithinAnswer, type NodeAnswer } from './answer-validation';
import { VerifyPool } from './verify-pool';

async function chain(length: number): Promise<Transaction[]> {
  const holder = new SeedKeyHolder(randomBytes(32));
  const payload = payloadOf(sampleChart(), null, { signKey: holder.signKey, boxKey: holder.boxKey, name: '' }, []);
  const txs = [(await buildCreate(holder, payload, crypto)).tx];
  for (let seq = 2; seq <= length; seq++)
    txs.push((await buildVersion(holder, txs.at(-1)!, txs[0]!.id, 'update', seq, payload, crypto)).tx);
  return txs;
}

const answerOf = (txs: unknown[]): NodeAnswer => ({ json: JSON.stringify(txs), txs });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

let pool: VerifyPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('VerifyPool', () => {
  it('gives the main-thread verdicts for a long chain split across workers, with a tampered version named', async () => {
    const txs = await chain(40);
    const altered = structuredClone(txs) as Transaction[];
    (altered[17]!.metadata as { at: string }).at = '2020-01-01T00:00:00.000Z'; // the id no longer matches
    altered[30]!.inputs[0]!.fulfillment = txs[29]!.inputs[0]!.fulfillment; // a signature of another message
    pool = new VerifyPool({ size: 2, crypto });
    const verdicts = await pool.validate(answerOf(altered), range(40));
    expect(verdicts).toEqual(validateWithinAnswer(altered, range(40), crypto));
    expect(verdicts.filter((v) => v !== null).map((v) => v!.type)).toEqual(['InvalidHash', 'InvalidHash']);
    expect(verdicts[17]).not.toBeNull();
    expect(verdicts.slice(0, 17).every((v) => v === null)).toBe(true);
  });

  it('gives every transaction a verdict even when one it spends is malformed (nothing in an answer may throw)', async () => {
    const txs = await chain(40);
    const broken = structuredClone(txs) as Transaction[];
    (broken[10] as unknown as { outputs: unknown }).outputs = null;
    pool = new VerifyPool({ size: 1, crypto });
    const verdicts = await pool.validate(answerOf(broken), range(40));
    expect(verdicts).toEqual(validateWithinAnswer(broken, range(40), crypto));
    expect(verdicts[10]?.type).toMatch(/InvalidHash|SchemaValidationError/);
    expect(verdicts[11]).toEqual({
      type: 'ValidationError',
      message: 'A transaction it spends is not a valid transaction',
    });
  });

  it('batches many small answers (one chart each) and answers each one', async () => {
    const charts = await Promise.all(range(30).map(() => chain(1)));
    const forged = structuredClone(charts[7]!) as Transaction[];
    forged[0]!.outputs[0]!.amount = '2';
    charts[7] = forged;
    pool = new VerifyPool({ size: 2, crypto });
    const verdicts = await Promise.all(charts.map((txs) => pool!.validate(answerOf(txs), [0])));
    expect(verdicts.map((v, i) => (v[0] === null ? null : i))).toEqual(range(30).map((i) => (i === 7 ? 7 : null)));
  });

  it('validates on the main thread what a dead worker had, and keeps working with a new one', async () => {
    const txs = await chain(3);
    pool = new VerifyPool({ size: 1, crypto });
    await pool.warm();
    const first = pool.validate(answerOf(txs), range(3));
    // Kill the worker while it holds the job.
    const slots = (
      pool as unknown as {
        slots: { worker: { terminate(): Promise<number> } | null; inFlight: Map<number, unknown> }[];
      }
    ).slots;
    while (slots[0]!.inFlight.size === 0) await new Promise((r) => setTimeout(r, 1));
    await slots[0]!.worker!.terminate();
    expect(await first).toEqual([null, null, null]);
    expect(await pool.validate(answerOf(txs), [2])).toEqual([null]);
  });

  it('warm() resolves once every worker has loaded, warmed up on a sample chain and answered', async () => {
    pool = new VerifyPool({ size: 2, crypto });
    await pool.warm();
    const slots = (pool as unknown as { slots: { worker: unknown }[] }).slots;
    expect(slots.every((slot) => slot.worker !== null)).toBe(true);
  });

  it('a worker that cannot start (a broken build) costs speed, never a verdict: the main thread takes over', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'hc-broken-worker-')), 'verify-worker.mjs');
    writeFileSync(broken, "throw new Error('this build is broken');\n");
    const txs = await chain(2);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      pool = new VerifyPool({ size: 1, crypto, entry: pathToFileURL(broken) });
      for (let i = 0; i < 5; i++) expect(await pool.validate(answerOf(txs), [0, 1])).toEqual([null, null]);
      const slots = (pool as unknown as { slots: { worker: unknown }[] }).slots;
      expect(slots[0]!.worker).toBeNull(); // given up: no new worker is started for every job
      expect(errors.join('\n')).toMatch(/verification workers do not start .*verifying on the main thread/);
    } finally {
      console.error = original;
    }
  });

  it('after close, still answers (on the main thread)', async () => {
    const txs = await chain(2);
    pool = new VerifyPool({ size: 2, crypto });
    await pool.close();
    expect(await pool.validate(answerOf(txs), [0, 1])).toEqual([null, null]);
  });
});

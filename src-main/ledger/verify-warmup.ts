// Warming a verification worker: V8 compiles hot code only after it has run a while, and a worker started with the
// app has run nothing, so the first chart it checks would take about twice as long (a fresh worker took 240–280 ms
// for 1,000 versions, a warmed one 130–150 ms). At start-up the worker validates a small chain shaped like chart
// versions — a CREATE and a TRANSFER with an envelope-like metadata, signed by a throwaway key — a few hundred
// times, off the main thread.
import { randomBytes } from 'node:crypto';
import {
  ed25519Output,
  makeCreate,
  makeTransfer,
  signTransaction,
  toBase58,
  type JsonObject,
  type Transaction,
} from '../../src-shared/ledger';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { sodium } from '../crypto/sodium';
import { validateWithinAnswer } from './answer-validation';

// ~150 ms of the worker's CPU at start-up: enough for V8 to compile the validation path (measured: fewer rounds left the
// first job slower than the next ones).
const ROUNDS = 1000;

async function sampleChain(): Promise<Transaction[]> {
  const publicKey = new Uint8Array(32);
  const secretKey = new Uint8Array(64);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, randomBytes(32));
  const owner = toBase58(publicKey);
  const sign = async (_key: string, message: Uint8Array) => {
    const signature = new Uint8Array(64);
    sodium.crypto_sign_detached(signature, message, secretKey);
    return signature;
  };
  const envelope = (seq: number, chart?: string): JsonObject => ({
    type: 'hc.chart.version/1',
    action: seq === 1 ? 'create' : 'update',
    seq,
    at: new Date().toISOString(),
    author: owner,
    ...(chart ? { chart } : {}),
    readers: [{ key: owner, wrap: randomBytes(104).toString('base64') }],
    nonce: randomBytes(24).toString('base64'),
    box: randomBytes(1200).toString('base64'),
  });
  const options = { crypto: nativeLedgerCrypto, checkSignatures: false };
  const create = await signTransaction(
    makeCreate(
      { type: 'hc.chart/1', chart: randomBytes(16).toString('hex') },
      envelope(1),
      [ed25519Output(owner)],
      [owner],
    ),
    sign,
    options,
  );
  const transfer = await signTransaction(
    makeTransfer([{ tx: create, outputIndex: 0 }], [ed25519Output(owner)], envelope(2, create.id)),
    sign,
    options,
  );
  sodium.sodium_memzero(secretKey);
  return [create, transfer];
}

/** Runs validation until V8 has compiled it; returns whether the sample verified (it must). */
export async function warmUpValidation(): Promise<boolean> {
  const json = JSON.stringify(await sampleChain());
  let clean = true;
  for (let i = 0; i < ROUNDS; i++)
    clean =
      validateWithinAnswer(JSON.parse(json) as unknown[], [0, 1], nativeLedgerCrypto).every((v) => v === null) && clean;
  return clean;
}

// `npm run bench -- v3-floor [--charts=300] [--rounds=5]`: the least CPU any reader must spend on one v3 version,
// whatever its code, set against what the cold list of issue #15 spends (docs/BENCHMARKS.md, "The cold list's floor").
// On real transactions made by the app's writer (a CREATE and a TRANSFER under a 2-of-3 custody quorum a chart), it
// times only the operations the protocol and the envelope require of a reader that trusts no node, each with the
// fastest library this project has (libsodium, OpenSSL): the answer's JSON.parse, the id (canonical JSON of the
// transaction and SHA3-256), the signed message's SHA3-256 and the Ed25519 verification, the slot (X25519 + its box,
// or the box alone for a slot keyed symmetrically), the version's box, the inner envelope's JSON.parse and three owner
// keys (HKDF + A + t·G: the custodian's, and the head's officers' over a chart of two versions). Nothing here is
// app code beyond the canonical JSON; the app's own per-version CPU is the ledger benchmark's.
import { hash, hkdfSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { canonicalJson } from '../../src-shared/ledger/canonical-json';
import type { Transaction } from '../../src-shared/ledger';
import { sodium } from '../../src-main/crypto/sodium';
import { makeV3ValidationRows } from '../fixtures/v3-validation-rows';
import { sampleChart } from '../fixtures/sample-chart';

const fmt = (n: number) => n.toFixed(1);

/** Median of `rounds` timings of f over every item, in µs per item. */
function time<T>(items: readonly T[], rounds: number, f: (item: T, i: number) => void): number {
  items.forEach(f); // warm
  const each: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    items.forEach(f);
    each.push(Number(process.hrtime.bigint() - start) / 1e3 / items.length);
  }
  return each.sort((a, b) => a - b)[Math.floor(each.length / 2)]!;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a.startsWith('--')),
    options: { charts: { type: 'string' }, rounds: { type: 'string' } },
    strict: false,
  });
  const charts = Number(values.charts ?? 300);
  const rounds = Number(values.rounds ?? 5);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; load ${loadavg()[0]!.toFixed(1)}`,
  );
  const versions: Transaction[] = (await makeV3ValidationRows(charts)).flatMap((row) => row.slice(0, 2));
  const texts = versions.map((tx) => JSON.stringify(tx));
  const bodies = versions.map((tx) => ({ ...tx, id: null }));
  const signable = versions.map((tx) => ({
    ...tx,
    id: null,
    inputs: tx.inputs.map((input) => ({ ...input, fulfillment: null })),
  }));
  const signature = Buffer.alloc(64);
  const signKey = Buffer.alloc(32);
  const signSecret = Buffer.alloc(64);
  sodium.crypto_sign_seed_keypair(signKey, signSecret, randomBytes(32));
  const digest = randomBytes(32);
  sodium.crypto_sign_detached(signature, digest, signSecret);
  const boxPublic = Buffer.alloc(32);
  const boxSecret = Buffer.alloc(32);
  sodium.crypto_box_keypair(boxPublic, boxSecret);
  const shared = Buffer.alloc(32);
  const key = randomBytes(32);
  const nonce = randomBytes(24);
  const sealedKey = Buffer.alloc(32 + 16);
  sodium.crypto_secretbox_easy(sealedKey, randomBytes(32), nonce, key);
  const dataKey = Buffer.alloc(32);
  // The box of the 4 KiB bucket (docs/UNLINKABLE.md §6): what a version of an ordinary chart carries.
  const box = Buffer.alloc(4096 + 16);
  sodium.crypto_secretbox_easy(box, Buffer.alloc(4096), nonce, key);
  const opened = Buffer.alloc(4096);
  // An inner envelope's JSON is about the sample chart's (docs/UNLINKABLE.md §2): its structure is what parsing costs.
  const innerText = JSON.stringify({ seq: 1, action: 'update', at: Date.now(), chart: sampleChart() });
  const directoryKey = Buffer.alloc(32);
  sodium.crypto_scalarmult_ed25519_base_noclamp(directoryKey, Buffer.alloc(32, 7));
  const tweak = Buffer.alloc(32);
  const tweakPoint = Buffer.alloc(32);
  const ownerKey = Buffer.alloc(32);

  const parts: [string, number][] = [
    ['JSON.parse of the answer', time(texts, rounds, (t) => JSON.parse(t))],
    ['id: canonical JSON + SHA3-256', time(bodies, rounds, (b) => hash('sha3-256', canonicalJson(b), 'buffer'))],
    ['message: canonical JSON + SHA3-256', time(signable, rounds, (b) => hash('sha3-256', canonicalJson(b), 'buffer'))],
    [
      'Ed25519 verification',
      time(versions, rounds, () => sodium.crypto_sign_verify_detached(signature, digest, signKey)),
    ],
    ['slot: X25519', time(versions, rounds, () => sodium.crypto_scalarmult(shared, boxSecret, boxPublic))],
    [
      'slot: its box (32-byte key)',
      time(versions, rounds, () => sodium.crypto_secretbox_open_easy(dataKey, sealedKey, nonce, key)),
    ],
    ['box: 4 KiB bucket', time(versions, rounds, () => sodium.crypto_secretbox_open_easy(opened, box, nonce, key))],
    ['inner envelope: JSON.parse', time(versions, rounds, () => JSON.parse(innerText))],
    [
      'owner keys: 3 × (HKDF, t·G, A + t·G)',
      time(versions, rounds, (_, i) => {
        for (let k = 0; k < 3; k++) {
          tweak.set(new Uint8Array(hkdfSync('sha256', digest, 'salt', `owner ${i} ${k}`, 32)));
          tweak[31]! &= 0x0f; // a scalar below the group order, as the tweak's range check makes it
          sodium.crypto_scalarmult_ed25519_base_noclamp(tweakPoint, tweak);
          sodium.crypto_core_ed25519_add(ownerKey, directoryKey, tweakPoint);
        }
      }),
    ],
  ];
  for (const [name, us] of parts) console.log(`  ${name.padEnd(40)} ${fmt(us).padStart(6)} µs`);
  const total = parts.reduce((sum, [, us]) => sum + us, 0);
  const x25519 = parts.find(([name]) => name === 'slot: X25519')![1];
  const perList = (us: number) => (((us * versions.length) / charts) * 10_000) / 1e6;
  console.log(
    `  floor a version: ${fmt(total)} µs with the slot's X25519, ${fmt(total - x25519)} µs keyed symmetrically; ` +
      `10,000 charts of ${versions.length / charts} versions: ${perList(total).toFixed(2)} s / ${perList(total - x25519).toFixed(2)} s of CPU ` +
      `(the node's serving and the discovery not included); load ${loadavg()[0]!.toFixed(1)}`,
  );
}

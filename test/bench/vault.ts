// `npm run bench vault`: the cost of one password / PIN guess with the production scrypt parameters (node:crypto,
// the fastest implementation at hand, i.e. what an attacker would use on this CPU), and the vault's signing and
// unsealing throughput. Figures go to docs/SECURITY.md. The access card rows time the whole derivation a kiosk runs
// for one PIN: version 2 cards (scrypt, then HMAC-SHA-256 under the hospital card key; since issue #14) and version 1.
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { sealTo as nativeSealTo } from '../../src-main/crypto/sealed-box';
import { nodeScrypt } from '../../src-main/vault/node-scrypt';
import { BACKUP_SCRYPT_PARAMS, VAULT_SCRYPT_PARAMS } from '../../src-main/vault/vault';
import { CARD_SCRYPT_PARAMS, deriveCardSeed, deriveCardSeedV2 } from '../../src-shared/crypto/card';
import { nobleScrypt, type ScryptFn, type ScryptParams } from '../../src-shared/crypto/kdf';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../../src-shared/crypto/keys';
import { sealTo } from '../../src-shared/crypto/sealed-box';
import { randomBytes, utf8 } from '../../src-shared/crypto/bytes';

type Derive = (scrypt: ScryptFn, params: ScryptParams) => Promise<Uint8Array>;
const plainScrypt: Derive = (scrypt, params) => scrypt(utf8('480913'), randomBytes(34), params, 32);
const cardV2: Derive = (scrypt, params) => deriveCardSeedV2(randomBytes(16), '480913', randomBytes(32), scrypt, params);
const cardV1: Derive = (scrypt, params) => deriveCardSeed(randomBytes(16), '480913', scrypt, params);

/** Wall time and process CPU time (ms) of each run. CPU time is the attacker's cost and varies less with load. */
async function timeScrypt(
  scrypt: ScryptFn,
  params: ScryptParams,
  runs: number,
  derive: Derive,
): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await derive(scrypt, params);
    const used = process.cpuUsage(cpuStart);
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
}

const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)] ?? NaN;
const mib = (p: ScryptParams): number => (128 * p.N * p.r * p.p) / 2 ** 20;

async function rate(label: string, seconds: number, op: () => Promise<unknown>): Promise<void> {
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    await op();
    n++;
  }
  console.log(`${label.padEnd(44)} ${Math.round(n / seconds).toLocaleString('en')} /s`);
}

export async function main(argv: string[]): Promise<void> {
  const runs = Number(argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
  console.log(`scrypt, median of ${runs} (node:crypto unless noted)`);
  const rows: [string, ScryptParams, ScryptFn, Derive][] = [
    ['keychain entry (VAULT_SCRYPT_PARAMS)', VAULT_SCRYPT_PARAMS, nodeScrypt, plainScrypt],
    ['backup file (BACKUP_SCRYPT_PARAMS)', BACKUP_SCRYPT_PARAMS, nodeScrypt, plainScrypt],
    ['access card PIN (CARD_SCRYPT_PARAMS)', CARD_SCRYPT_PARAMS, nodeScrypt, cardV2],
    ['access card PIN, version 1 card', CARD_SCRYPT_PARAMS, nodeScrypt, cardV1],
    ['access card PIN, pure JS (@noble/hashes)', CARD_SCRYPT_PARAMS, nobleScrypt, cardV2],
  ];
  let cardCpuMs = NaN;
  for (const [label, params, fn, derive] of rows) {
    const { wall, cpu } = await timeScrypt(fn, params, fn === nobleScrypt ? 1 : runs, derive);
    if (label.startsWith('access card PIN (')) cardCpuMs = cpu[0]!;
    console.log(
      `${label.padEnd(44)} N=2^${Math.log2(params.N)} r=${params.r} p=${params.p} ${mib(params)} MiB  ` +
        `wall ${median(wall).toFixed(0)} ms (min ${wall[0]!.toFixed(0)}, max ${wall.at(-1)!.toFixed(0)})  cpu ${median(cpu).toFixed(0)} ms (min ${cpu[0]!.toFixed(0)})`,
    );
  }
  const allPins = (cardCpuMs * 1e6) / 1000;
  console.log(
    `\nOffline search of all 10^6 six-digit PINs for one card at the fastest measured CPU cost (${cardCpuMs.toFixed(0)} ms/guess), ` +
      `one core: ${(allPins / 86400).toFixed(1)} days (${(allPins / 3600).toFixed(0)} h; expected half that). ` +
      'Possible for a version 1 card; for a version 2 card only with the hospital card key as well (docs/SECURITY.md).',
  );

  console.log('\nvault handle throughput (one core)');
  const holder = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
  const pureJs = new SeedKeyHolder(newSeed());
  const digest = randomBytes(32);
  await rate('KeyHolder.sign, vault (libsodium Ed25519)', 2, () => holder.sign(digest));
  await rate('KeyHolder.sign, default (@noble/curves)', 2, () => pureJs.sign(digest));
  pureJs.lock();
  const sealed = sealTo(holder.boxKey, randomBytes(32));
  await rate('KeyHolder.openSealed (X25519 + XSalsa20)', 2, () => holder.openSealed(sealed));
  await rate('sealTo, pure JS (32-byte data key)', 2, async () => sealTo(holder.boxKey, digest));
  await rate('sealTo, vault (libsodium)', 2, async () => nativeSealTo(holder.boxKey, digest));
  holder.lock();
}

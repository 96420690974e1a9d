// `npm run bench vault`: the cost of one password / PIN guess with the production scrypt parameters (node:crypto,
// the fastest implementation at hand, i.e. what an attacker would use on this CPU), and the vault's signing and
// unsealing throughput. Figures go to docs/SECURITY.md.
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { sealTo as nativeSealTo } from '../../src-main/crypto/sealed-box';
import { nodeScrypt } from '../../src-main/vault/node-scrypt';
import { BACKUP_SCRYPT_PARAMS, VAULT_SCRYPT_PARAMS } from '../../src-main/vault/vault';
import { CARD_SCRYPT_PARAMS } from '../../src-shared/crypto/card';
import { nobleScrypt, type ScryptFn, type ScryptParams } from '../../src-shared/crypto/kdf';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../../src-shared/crypto/keys';
import { sealTo } from '../../src-shared/crypto/sealed-box';
import { randomBytes, utf8 } from '../../src-shared/crypto/bytes';

/** Wall time and process CPU time (ms) of each run. CPU time is the attacker's cost and varies less with load. */
async function timeScrypt(scrypt: ScryptFn, params: ScryptParams, runs: number): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await scrypt(utf8('480913'), randomBytes(34), params, 32);
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
  const rows: [string, ScryptParams, ScryptFn][] = [
    ['keychain entry (VAULT_SCRYPT_PARAMS)', VAULT_SCRYPT_PARAMS, nodeScrypt],
    ['backup file (BACKUP_SCRYPT_PARAMS)', BACKUP_SCRYPT_PARAMS, nodeScrypt],
    ['access card PIN (CARD_SCRYPT_PARAMS)', CARD_SCRYPT_PARAMS, nodeScrypt],
    ['access card PIN, pure JS (@noble/hashes)', CARD_SCRYPT_PARAMS, nobleScrypt],
  ];
  let cardCpuMs = NaN;
  for (const [label, params, fn] of rows) {
    const { wall, cpu } = await timeScrypt(fn, params, fn === nobleScrypt ? 1 : runs);
    if (label.startsWith('access card PIN (')) cardCpuMs = cpu[0]!;
    console.log(`${label.padEnd(44)} N=2^${Math.log2(params.N)} r=${params.r} p=${params.p} ${mib(params)} MiB  ` +
      `wall ${median(wall).toFixed(0)} ms (min ${wall[0]!.toFixed(0)}, max ${wall.at(-1)!.toFixed(0)})  cpu ${median(cpu).toFixed(0)} ms (min ${cpu[0]!.toFixed(0)})`);
  }
  const allPins = (cardCpuMs * 1e6) / 1000;
  console.log(`\nOffline search of all 10^6 six-digit PINs for one card at the fastest measured CPU cost (${cardCpuMs.toFixed(0)} ms/guess), ` +
    `one core: ${(allPins / 86400).toFixed(1)} days (${(allPins / 3600).toFixed(0)} h; expected half that)`);

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

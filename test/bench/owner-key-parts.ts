import { createHash, createHmac, randomBytes } from 'node:crypto';
import { fromBase58, toBase58 } from '../../src-shared/ledger';
import { ownerTweakNative, tweakPublicKeyNative } from '../../src-main/crypto/unlinkable-keys';
import { sodium } from '../../src-main/crypto/sodium';
import { ownerKey } from '../../src-main/records/v3-outputs';
import { newSeed } from '../../src-shared/crypto/keys';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';

const N = 20000;
const A = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto).signKey;
const Abytes = fromBase58(A)!;
const secrets = Array.from({ length: N }, () => new Uint8Array(randomBytes(32)));
const time = (name: string, f: (i: number) => unknown) => {
  for (let i = 0; i < 2000; i++) f(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f(i);
  console.log(name.padEnd(28), (Number(process.hrtime.bigint() - t) / 1000 / N).toFixed(2), 'µs');
};
for (let round = 0; round < 2; round++) {
  time('memo sha256', (i) => createHash('sha256').update(secrets[i]!).update(`\0${i}\0${0}\0${A}`).digest('base64'));
  time('fromBase58', () => fromBase58(A));
  const tweaks = secrets.map((s) => ownerTweakNative(s, 1, 0));
  time('ownerTweakNative', (i) => ownerTweakNative(secrets[i]!, 1, 0));
  time('tweakPublicKeyNative', (i) => tweakPublicKeyNative(Abytes, tweaks[i]!));
  const out = new Uint8Array(32);
  time('base_noclamp', (i) => sodium.crypto_scalarmult_ed25519_base_noclamp(out, tweaks[i]!));
  const o2 = new Uint8Array(32);
  time('core_add', () => sodium.crypto_core_ed25519_add(o2, Abytes, out));
  time('toBase58', () => toBase58(o2));
  time('hmac x1', (i) => createHmac('sha256', secrets[i]!).update('abc').digest());
  if ((sodium as any).crypto_auth_hmacsha256) {
    const mac = Buffer.alloc(32);
    time('sodium hmac x1', (i) => (sodium as any).crypto_auth_hmacsha256(mac, Buffer.from('abc'), secrets[i]!));
  }
  time('ownerKey (memo miss)', (i) => ownerKey(A, secrets[i]!, 1000 + round, 0));
}
console.log(Object.keys(sodium).filter((k) => /hmac|auth|sha256/.test(k)).join(' '));

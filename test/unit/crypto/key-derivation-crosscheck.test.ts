// Independent cross-check of src-shared/crypto/keys.ts: the fixture vectors recomputed with OpenSSL (node:crypto)
// instead of @noble / tweetnacl, and the signing key compared with the BigchainDB driver's own key format.
import { createPrivateKey, createPublicKey, hkdfSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import driver from 'bigchaindb-driver';
import { base58 } from '@scure/base';
import fixture from '../../../src-shared/crypto/fixtures/key-derivation-vectors.json';
import { deriveIdentityKeys } from '../../../src-shared/crypto/keys';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

function rawPublicKey(pkcs8Prefix: Buffer, secret: Buffer): Buffer {
  const privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, secret]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

describe('key derivation, checked with node:crypto and the BigchainDB driver', () => {
  it.each(fixture.vectors)('vector for seed $seed', (v) => {
    const seed = Buffer.from(v.seed, 'hex');
    const signSeed = Buffer.from(hkdfSync('sha256', seed, fixture.hkdf.salt, fixture.hkdf.signInfo, 32));
    const boxSecret = Buffer.from(hkdfSync('sha256', seed, fixture.hkdf.salt, fixture.hkdf.boxInfo, 32));
    expect(signSeed.toString('hex')).toBe(v.signSeed);
    expect(boxSecret.toString('hex')).toBe(v.boxSecret);
    expect(Buffer.from(hkdfSync('sha256', seed, fixture.hkdf.salt, fixture.hkdf.localInfo, 32)).toString('hex')).toBe(
      v.localKey,
    );

    expect(base58.encode(rawPublicKey(PKCS8_ED25519, signSeed))).toBe(v.signKey);
    expect(base58.encode(rawPublicKey(PKCS8_X25519, boxSecret))).toBe(v.boxKey);

    const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, signSeed]), format: 'der', type: 'pkcs8' });
    expect(sign(null, Buffer.from(fixture.message), key).toString('hex')).toBe(v.signatureOfMessage);
  });

  it('signKey is exactly the public key the driver derives from the signing seed', () => {
    for (const v of fixture.vectors) {
      const keypair = new driver.Ed25519Keypair(Buffer.from(v.signSeed, 'hex'));
      expect(keypair.publicKey).toBe(v.signKey);
      // The driver's private key is base58 of the RFC 8032 seed, i.e. our derived signSeed.
      expect(keypair.privateKey).toBe(base58.encode(Buffer.from(v.signSeed, 'hex')));
    }
    const fresh = deriveIdentityKeys(new Uint8Array(32).fill(7));
    expect(new driver.Ed25519Keypair(Buffer.from(fresh.signSeed)).publicKey).toBe(fresh.signKey);
  });
});

// Test-only signers over known seeds (pure JS, so src-shared tests can use them too). Production signing goes
// through the vault's KeyHolder; these exist because tests need deterministic keys.
import { ed25519 } from '@noble/curves/ed25519.js';
import vectorsFile from '../../fixtures/bigchaindb/test-vectors.json';
import { fromBase58, toBase58, type Signer } from '../../../src-shared/ledger';

export interface TestKey {
  publicKey: string;
  seed: Uint8Array;
}

export function keyFromSeed(seed: Uint8Array): TestKey {
  return { publicKey: toBase58(ed25519.getPublicKey(seed)), seed };
}

/** alice, bob, carol of test-vectors.json, plus dave and erin made from fixed seeds. */
export const testKeys = {
  alice: keyFromSeed(fromBase58(vectorsFile.keys_test_only.alice.privateKey)!),
  bob: keyFromSeed(fromBase58(vectorsFile.keys_test_only.bob.privateKey)!),
  carol: keyFromSeed(fromBase58(vectorsFile.keys_test_only.carol.privateKey)!),
  dave: keyFromSeed(new Uint8Array(32).fill(4)),
  erin: keyFromSeed(new Uint8Array(32).fill(5)),
};

export function signerFor(...keys: TestKey[]): Signer {
  const byPublic = new Map(keys.map((k) => [k.publicKey, k.seed]));
  return async (publicKey, message) => {
    const seed = byPublic.get(publicKey);
    if (!seed) throw new Error(`test signer holds no key ${publicKey}`);
    return ed25519.sign(message, seed);
  };
}

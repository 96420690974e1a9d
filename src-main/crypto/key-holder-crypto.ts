// What the main process plugs into every SeedKeyHolder it hands out (doctor sessions, patient cards): the seed's
// public keys, signing, unwrapping, the local MAC and v3's pair keys on libsodium instead of pure JS, each key copied
// once into secure memory and wiped when the holder locks. The holder class, its secrets handling and its results stay
// the same.
import type { SeedKeyHolderOptions } from './seed-key-holder';
import { ed25519Signer } from './ed25519';
import { deriveIdentityKeysNative } from './identity-keys-native';
import { localMacer } from './local-mac';
import { sealedBoxOpener } from './sealed-box';
import { pairKeyNative, tweakedSigner } from './unlinkable-keys';

export const nativeKeyHolderCrypto = {
  deriveKeys: deriveIdentityKeysNative,
  ed25519Signer,
  sealedBoxOpener,
  localMacer,
  tweakedSigner,
  pairKey: pairKeyNative,
} as const satisfies SeedKeyHolderOptions;

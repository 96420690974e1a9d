// What the main process plugs into every SeedKeyHolder it hands out (doctor sessions, patient cards): Ed25519 and
// X25519 on OpenSSL instead of pure JS, each key parsed once per holder and dropped on lock. The holder class, its
// secrets handling and its results stay the same.
import type { SeedKeyHolderOptions } from '../../src-shared/crypto/keyholder';
import { nodeEd25519Sign, nodeEd25519Signer } from './node-ed25519';
import { sealedBoxOpenerWithOpenSsl } from './node-sealed-box';

export const nodeKeyHolderCrypto = {
  ed25519Sign: nodeEd25519Sign,
  ed25519Signer: nodeEd25519Signer,
  sealedBoxOpener: sealedBoxOpenerWithOpenSsl,
} as const satisfies SeedKeyHolderOptions;

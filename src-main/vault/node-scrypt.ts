// node:crypto's scrypt runs in libuv's thread pool, so deriving a key never stalls the main process's event loop
// (the pure-JS one would freeze the UI for the whole derivation).
import { scrypt } from 'node:crypto';
import { type ScryptFn, checkScryptParams, scryptMemoryBytes } from '../../src-shared/crypto/kdf';

export const nodeScrypt: ScryptFn = (password, salt, params, length) => {
  const problem = checkScryptParams(params);
  if (problem) return Promise.reject(new RangeError(problem));
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      length,
      { N: params.N, r: params.r, p: params.p, maxmem: scryptMemoryBytes(params) + 1024 * 1024 },
      (error, key) => {
        if (error) reject(error);
        else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
      },
    );
  });
};

// The key under which an opened v3 chain is kept (v3-loaded.ts OpenedV3Chains, emergency/verified-charts-v3.ts): a
// SHA-256 of the scope (viewer, chart) and of the node's answer for the chart. Any byte of any transaction changed is
// another key, so a kept chain is only ever reused for exactly the transactions it was opened from.
//
// It hashes JSON.stringify of the parsed answer, not the text the node sent, though LedgerNodeClient.listTransactions
// keeps that text: the loader opens the same chain from the node's answer and from its verified cache (objects, no
// text), and both must give one key, else a cached read misses what the node's read opened. The text is also not
// one form: stock BigchainDB's Python serialiser spaces its JSON, the embedded node's does not.
import { createHash } from 'node:crypto';

/** Scope parts are each ended by a NUL (no key, id or tag holds one), so ["ab", "c"] and ["a", "bc"] differ. */
export function chainDigest(scope: readonly string[], raw: readonly unknown[], json = JSON.stringify(raw)): string {
  const hash = createHash('sha256');
  for (const part of scope) hash.update(`${part}\0`);
  return hash.update(json).digest('base64');
}

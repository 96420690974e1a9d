// Every emergency grant of a v3 chart, as its readers and its patient find them (docs/UNLINKABLE.md §9): for each
// version they can open, the grant tags k = 0, 1, … of that version's chart secret are searched until one finds
// nothing; each hit's box opens with the same secret and says who was granted, why and until when. Nobody without
// the secret can tie a grant to the chart.
import { openGrantBoxV3, parseGrantV3Meta, type GrantBoxV3 } from '../../src-shared/emergency';
import { grantTag } from '../../src-shared/unlinkable/rendezvous';
import type { LedgerNodeClient } from '../ledger/node-client';
import type { OpenedV3Version } from './version-opener-v3';

export interface FoundGrantV3 {
  /** The grant transaction's id, the request it answers, and the granted version's place. */
  grantTx: string;
  requestTx: string;
  seq: number;
  k: number;
  grant: GrantBoxV3;
}

/** A version's search stops after this many grants (a safety bound far above any rate limit). */
const MAX_GRANTS_PER_VERSION = 1_000;

export async function findGrantsV3(
  client: Pick<LedgerNodeClient, 'searchMetadata' | 'getTransaction'>,
  versions: readonly Pick<OpenedV3Version, 'seq' | 'txId' | 'secret'>[],
): Promise<FoundGrantV3[]> {
  const found: FoundGrantV3[] = [];
  for (const v of versions) {
    for (let k = 0; k < MAX_GRANTS_PER_VERSION; k++) {
      const tag = grantTag(v.secret, k);
      const { value: hits } = await client.searchMetadata(tag);
      if (hits.length === 0) break;
      for (const hit of hits) {
        const { value: tx } = await client.getTransaction(hit.id);
        try {
          const meta = parseGrantV3Meta((tx as { metadata?: unknown } | null)?.metadata);
          const grant = openGrantBoxV3(meta, v.secret, k);
          // A box naming another version was copied here: the tag alone does not make it this version's grant.
          if (grant.version === v.txId) found.push({ grantTx: hit.id, requestTx: meta.request, seq: v.seq, k, grant });
        } catch {
          // The tag is in something that is not this version's grant (a filler collision, a forgery): not a grant.
        }
      }
    }
  }
  return found;
}

// The custody rule a new transaction's output follows: under a verified pinned authority, 1-of-[custodian, quorum] and
// the recovery wrap; with none pinned, the custodian's key alone as before. A pinned authority that cannot be verified
// vouches for nothing, so no quorum is handed the chart: the write goes ahead as without one.
import { custodyPolicyOf, type CustodyPolicy } from '../../src-shared/authority/custody';
import type { AuthorityTrust } from '../authority/trust';

/** Reads the rule at every call; remembers the last one verified for when no node answers (an offline write). */
export function custodyPolicySource(authority: AuthorityTrust): () => Promise<CustodyPolicy | null> {
  let lastPolicy: CustodyPolicy | null = null;
  return async () => {
    let trust;
    try {
      trust = await authority.state();
    } catch (error) {
      // No node to read the authority from: a chart created offline goes to the outbox under the rule last verified
      // for the same pinned authority; with none verified yet this session, the write fails as a read would.
      if (lastPolicy && lastPolicy.authorityId === authority.pinned()) return lastPolicy;
      throw error;
    }
    lastPolicy =
      trust.kind === 'pinned'
        ? custodyPolicyOf(trust.authorityId, trust.authority.data, trust.authority.emergencyKey?.boxKey ?? null)
        : null;
    return lastPolicy;
  };
}

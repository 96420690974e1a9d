// Who may spend a chart's output once a hospital authority is pinned (docs/AUTHORITY.md, "Custody"): the nested
// threshold 1-of-[custodian, quorum]. The custodian spends with their key alone; the quorum, with m officers, moves
// custody when the custodian lost their key or left. Charts written before the authority keep a plain Ed25519 output
// until their custodian's next write moves them over.
import {
  ed25519Details,
  fromBase64Url,
  outputFromDetails,
  parseFulfillment,
  thresholdDetails,
  toBase58,
  type ConditionDetails,
  type Input,
  type Output,
  type ThresholdDetails,
} from '../ledger';
import type { AuthorityData } from './model';
import { quorumDetails } from './transactions';

/** The custody rule a writer applies: which quorum may also spend, and the recovery key data keys are wrapped to. */
export interface CustodyPolicy {
  authorityId: string;
  quorum: ConditionDetails;
  recoveryKey: string;
  /** The published emergency key's boxKey (docs/EMERGENCY.md), wrapped to as well; null while none is published. */
  emergencyKey?: string | null;
}

export function custodyPolicyOf(
  authorityId: string,
  data: Pick<AuthorityData, 'threshold' | 'officers' | 'recoveryKey'>,
  emergencyKey: string | null = null,
) {
  return {
    authorityId,
    quorum: quorumDetails(data),
    recoveryKey: data.recoveryKey,
    emergencyKey,
  } satisfies CustodyPolicy;
}

/** 1-of-[custodian, quorum]: the custodian first, so the driver's `public_keys` starts with the custodian. */
export function custodyDetails(custodian: string, quorum: ConditionDetails): ThresholdDetails {
  return thresholdDetails(1, [custodian, quorum]);
}

/** A chart output for `custodian`: under a policy 1-of-[custodian, quorum], without one the custodian's key alone. */
export function custodyOutput(custodian: string, policy: CustodyPolicy | null): Output {
  return outputFromDetails(policy ? custodyDetails(custodian, policy.quorum) : ed25519Details(custodian));
}

export interface ChartOwnership {
  /** The custodian's signKey. */
  custodian: string;
  /** The quorum that may also spend the output; null for a plain Ed25519 output (written before the authority). */
  quorum: ThresholdDetails | null;
}

/**
 * Reads who owns a chart output: one unit owned by one Ed25519 key, or by 1-of-[custodian, quorum threshold].
 * Anything else (several units, other shapes) is no chart output: null.
 */
export function chartOwnership(output: Output | undefined): ChartOwnership | null {
  if (!output || output.amount !== '1') return null;
  const details = output.condition.details;
  const keys = output.public_keys;
  if (details.type === 'ed25519-sha-256')
    return keys.length === 1 && keys[0] === details.public_key ? { custodian: details.public_key, quorum: null } : null;
  if (details.threshold !== 1 || details.subconditions.length !== 2) return null;
  const [custodian, quorum] = details.subconditions;
  if (custodian?.type !== 'ed25519-sha-256' || quorum?.type !== 'threshold-sha-256') return null;
  if (quorum.subconditions.some((s) => s.type !== 'ed25519-sha-256' || s.public_key === custodian.public_key))
    return null;
  if (keys[0] !== custodian.public_key) return null;
  return { custodian: custodian.public_key, quorum };
}

/** Who signed an input: the custodian alone, the quorum's officers (for a 1-of-[custodian, quorum] output), or unknown. */
export type InputSigners = { by: 'key'; key: string } | { by: 'quorum'; officers: string[] } | { by: 'unknown' };

/**
 * The signers of an input whose fulfillment was already validated against the output it spends (so only identities
 * are read here): a lone Ed25519 fulfillment, a 1-of-2 threshold with one Ed25519 sub-fulfillment (the custodian's
 * branch), or a 1-of-2 threshold whose one sub-fulfillment is itself a threshold (the quorum's branch).
 */
export function inputSigners(input: Input | undefined): InputSigners {
  const bytes = input ? fromBase64Url(input.fulfillment) : null;
  if (!bytes) return { by: 'unknown' };
  try {
    const f = parseFulfillment(bytes);
    if (f.type === 'ed25519-sha-256') return { by: 'key', key: toBase58(f.publicKey) };
    if (f.subfulfillments.length !== 1 || f.subconditions.length !== 1) return { by: 'unknown' };
    const sub = f.subfulfillments[0]!;
    if (sub.type === 'ed25519-sha-256') return { by: 'key', key: toBase58(sub.publicKey) };
    if (sub.subfulfillments.every((s) => s.type === 'ed25519-sha-256'))
      return {
        by: 'quorum',
        officers: sub.subfulfillments.map((s) => toBase58((s as { publicKey: Uint8Array }).publicKey)),
      };
    return { by: 'unknown' };
  } catch {
    return { by: 'unknown' };
  }
}

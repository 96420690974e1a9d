// The "owner" check of a chart version (called from chain.ts): who signed it, and whether they could spend what it
// spends. A version is signed by its envelope's author, who owned the version before (the custodian's key alone, or
// the custodian's branch of a 1-of-[custodian, quorum] output) — or it is a custody move by the hospital authority's
// quorum: the previous output had a quorum branch (so its custodian let that quorum spend it), the fulfillment took
// that branch, the act is "custody", and the envelope's author is one of the officers who signed. The fulfillment
// itself was validated against the spent output's condition before this runs (docs/AUTHORITY.md, "Custody").
import { chartOwnership, inputSigners, type InputSigners } from '../../src-shared/authority/custody';
import type { Envelope } from '../../src-shared/crypto/envelope';
import type { Transaction } from '../../src-shared/ledger';

export interface PreviousVersion {
  seq: number;
  tx: Transaction;
  owner: string;
}

/** True when the version's input took the quorum's branch of a 1-of-[custodian, quorum] output. */
export function spentByQuorum(tx: Transaction): boolean {
  return signersOf(tx.inputs[0]).by === 'quorum';
}

// chain.ts asks who signed a version twice in a row (the owner check, then its detail): the answer of the last
// fulfillment read is kept. Parsing a fulfillment and writing its keys in base58 costs ~10 µs, paid once a version of
// a cold list rather than twice. Keyed by the fulfillment's text, so the answer is always the text's own.
let lastSigners: { fulfillment: string; signers: InputSigners } | null = null;

function signersOf(input: Transaction['inputs'][number] | undefined): InputSigners {
  const fulfillment = input?.fulfillment;
  if (typeof fulfillment !== 'string') return inputSigners(input);
  if (lastSigners?.fulfillment === fulfillment) return lastSigners.signers;
  const signers = inputSigners(input);
  lastSigners = { fulfillment, signers };
  return signers;
}

/** Why the author could not have written this version; null when they could. */
export function ownershipProblem(tx: Transaction, envelope: Envelope, previous: PreviousVersion | null): string | null {
  if (tx.inputs.length !== 1) return 'A chart version has exactly one input';
  const signers = signersOf(tx.inputs[0]);
  if (signers.by === 'quorum') {
    if (!previous) return 'A chart is created by its author, not by a quorum';
    if (!chartOwnership(previous.tx.outputs[0])?.quorum)
      return `Version ${previous.seq} gives no quorum the right to spend it`;
    if (envelope.action !== 'custody')
      return `The hospital authority's quorum may only move custody, not write a "${envelope.action}"`;
    if (!signers.officers.includes(envelope.author))
      return `The envelope names author ${envelope.author}, who is not among the officers who signed`;
    return null;
  }
  const signer = signers.by === 'key' ? signers.key : null;
  if (signer !== envelope.author)
    return `The envelope names author ${envelope.author} but ${signer ?? 'nobody'} signed`;
  // BigchainDB checks a CREATE's fulfillment against no condition: a CREATE may name one key in owners_before and be
  // signed by another (issue #12). The author is the key that signed, and the input must say so. A TRANSFER's
  // fulfillment was checked against the output it spends, whose keys are its owners_before.
  const before = tx.inputs[0]!.owners_before;
  if (previous ? !before.includes(signer) : before.length !== 1 || before[0] !== signer)
    return `The input names ${before.join(', ') || 'nobody'} as its owner but ${signer} signed`;
  if (previous && previous.owner !== envelope.author)
    return `The author ${envelope.author} did not own version ${previous.seq}; ${previous.owner} did`;
  return null;
}

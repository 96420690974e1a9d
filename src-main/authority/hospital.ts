// The hospital's acts, as steps the CLI (and next pass, the IT screens) run: prepare the ceremony, have officers sign
// a partially signed file, post once complete; issue, renew and revoke credentials; and the one-machine 1-of-1 setup
// whose officer key is sealed in this machine's keychain under its own password.
import {
  assemble,
  addSignatures,
  makeAuthorityCreate,
  makeCredentialIssue,
  makeCredentialRenew,
  makeCredentialRevoke,
  makeEmergencyKeyAct,
  newRecoveryKeyPair,
  splitRecoverySecret,
  startPartial,
  AuthorityInputError,
  type CredentialData,
  type Officer,
  type OfficerSigner,
  type PartialTransaction,
  type VerifiedAuthority,
} from '../../src-shared/authority';
import { wipe } from '../../src-shared/crypto/bytes';
import type { Transaction } from '../../src-shared/ledger';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import type { Answer } from '../ledger/node-client';
import type { QueuedOutcome } from '../ledger/outbox-poster';
import type { CredentialRegistryView } from '../../src-shared/authority';
import type { OfficerKeychain } from './officer-keychain';

/** The node client (posts at once) or, in the app and the CLI, the OutboxPoster (may answer 'queued'). */
export interface LedgerPoster {
  post(tx: { id: string }, mode?: 'commit' | 'sync'): Promise<Answer<QueuedOutcome>>;
}

/**
 * The ceremony's unsigned CREATE as a partially signed file. The recovery key pair is made here, its secret split
 * among the officers and sealed to each officer's box key, then wiped: from now on only m officers together can
 * rebuild it.
 */
export async function prepareCeremony(input: {
  name: string;
  threshold: number;
  officers: Officer[];
  at?: Date;
}): Promise<{ partial: PartialTransaction; recoveryKey: string }> {
  const recovery = newRecoveryKeyPair();
  try {
    const recoveryShares = await splitRecoverySecret(recovery.secret, input.officers, input.threshold);
    const unsigned = makeAuthorityCreate({
      name: input.name,
      threshold: input.threshold,
      officers: input.officers,
      recoveryKey: recovery.publicKey,
      recoveryShares,
      at: (input.at ?? new Date()).toISOString(),
    });
    const purpose = `Set up the hospital authority "${input.name}" (${input.threshold} of ${input.officers.length} officers); every officer signs`;
    return { partial: startPartial(unsigned, purpose), recoveryKey: recovery.publicKey };
  } finally {
    wipe(recovery.secret);
  }
}

export function signPartial(partial: PartialTransaction, officer: OfficerSigner): Promise<PartialTransaction> {
  return addSignatures(partial, officer, nativeLedgerCrypto);
}

/**
 * Assembles the fulfillments (throws while signatures are missing) and posts in commit mode; through the outbox the
 * outcome may be 'queued' (signed, on disk, posted when a node answers).
 */
export async function postPartial(
  ledger: LedgerPoster,
  partial: PartialTransaction,
): Promise<{ tx: Transaction; outcome: QueuedOutcome }> {
  const tx = await assemble(partial, nativeLedgerCrypto);
  const { value } = await ledger.post(tx, 'commit');
  return { tx, outcome: value };
}

export function prepareIssue(
  authority: VerifiedAuthority,
  data: Omit<CredentialData, 'type' | 'authority'>,
  at = new Date(),
): PartialTransaction {
  const unsigned = makeCredentialIssue(authority.data, { ...data, authority: authority.id }, at.toISOString());
  return startPartial(
    unsigned,
    `Issue a credential to ${data.name} (licence ${data.licence})${data.supersedes ? `, replacing credential ${data.supersedes}` : ''}`,
  );
}

function accepted(view: CredentialRegistryView, credentialId: string) {
  const credential = view.credential(credentialId);
  if (!credential)
    throw new AuthorityInputError(`No credential ${credentialId} of this authority (see: hospital credentials)`);
  if (credential.acts.some((a) => a.act.type === 'hc.credential.revoke/1'))
    throw new AuthorityInputError(`Credential ${credentialId} is already revoked`);
  return credential;
}

export function prepareRenew(
  view: CredentialRegistryView,
  credentialId: string,
  validUntil: Date,
  at = new Date(),
): PartialTransaction {
  const credential = accepted(view, credentialId);
  const unsigned = makeCredentialRenew(
    view.authority.data,
    credential.latest,
    validUntil.toISOString(),
    at.toISOString(),
  );
  return startPartial(
    unsigned,
    `Renew the credential of ${credential.data.name} (licence ${credential.data.licence}) until ${validUntil.toISOString()}`,
  );
}

export function prepareRevoke(
  view: CredentialRegistryView,
  credentialId: string,
  reason: string | undefined,
  at = new Date(),
): PartialTransaction {
  const credential = accepted(view, credentialId);
  const unsigned = makeCredentialRevoke(
    view.authority.data,
    credential.latest,
    at.toISOString(),
    at.toISOString(),
    reason,
  );
  return startPartial(
    unsigned,
    `Revoke the credential of ${credential.data.name} (licence ${credential.data.licence})`,
  );
}

/**
 * Publishes (or replaces) the hospital's emergency key: a quorum act spending the authority's latest output. The
 * authority must have been read by CredentialRegistry.authority() (which verifies its chain and finds `latest`).
 */
export function prepareEmergencyKey(
  authority: VerifiedAuthority,
  emergencyKey: { signKey: string; boxKey: string },
  at = new Date(),
): PartialTransaction {
  if (!authority.latest || authority.actsProblem)
    throw new AuthorityInputError(
      `The authority's acts cannot be verified${authority.actsProblem ? ` (${authority.actsProblem})` : ''}: no act can be added`,
    );
  const current = authority.emergencyKey;
  if (current && current.signKey === emergencyKey.signKey && current.boxKey === emergencyKey.boxKey)
    throw new AuthorityInputError(`This emergency key is already published (act ${current.txId})`);
  const unsigned = makeEmergencyKeyAct(
    authority.data,
    authority.latest,
    { signKey: emergencyKey.signKey, boxKey: emergencyKey.boxKey },
    at.toISOString(),
  );
  return startPartial(
    unsigned,
    `Publish the emergency key ${emergencyKey.signKey} of "${authority.data.name}"${current ? `, replacing ${current.signKey}` : ''}`,
  );
}

/**
 * The single-machine default: a 1-of-1 authority whose only officer key is created here and sealed in the keychain
 * under `password` (not a doctor's password). Posts the ceremony and returns the authority id to pin.
 */
export async function setUpOneMachineAuthority(
  ledger: LedgerPoster,
  keychain: OfficerKeychain,
  input: { hospitalName: string; officerName: string; password: string },
  /** The emergency service's key on this machine (created in its keychain if missing), published right away. */
  emergencyKey?: () => Promise<{ signKey: string; boxKey: string }>,
): Promise<{
  authorityId: string;
  officer: { signKey: string; boxKey: string };
  recoveryKey: string;
  emergencyKey: { signKey: string; boxKey: string; act: string } | null;
  /** True when the node did not answer: the acts wait in the outbox and are posted when it does. */
  queued: boolean;
}> {
  const { officer, holder } = await keychain.create(input.officerName, input.password);
  try {
    const { partial, recoveryKey } = await prepareCeremony({
      name: input.hospitalName,
      threshold: 1,
      officers: [{ name: officer.name, signKey: officer.signKey, boxKey: officer.boxKey }],
    });
    const { tx, outcome } = await postPartial(ledger, await signPartial(partial, holder));
    let queued = outcome === 'queued';
    let published: { signKey: string; boxKey: string; act: string } | null = null;
    if (emergencyKey) {
      const key = await emergencyKey();
      const act = makeEmergencyKeyAct(
        (tx.asset as { data: VerifiedAuthority['data'] }).data,
        tx,
        { signKey: key.signKey, boxKey: key.boxKey },
        new Date().toISOString(),
      );
      const posted = await postPartial(
        ledger,
        await signPartial(startPartial(act, 'Publish the emergency key'), holder),
      );
      published = { signKey: key.signKey, boxKey: key.boxKey, act: posted.tx.id };
      queued ||= posted.outcome === 'queued';
    }
    return {
      authorityId: tx.id,
      officer: { signKey: officer.signKey, boxKey: officer.boxKey },
      recoveryKey,
      emergencyKey: published,
      queued,
    };
  } finally {
    holder.lock();
  }
}

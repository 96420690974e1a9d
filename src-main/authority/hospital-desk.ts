// The IT desk of the hospital authority as the workstation runs it (IPC: hospital.*, credentials.*): read the pinned
// authority and its registry (through AuthorityTrust, the chart service's own, so an act is seen by chart checks at
// once), set up the one-machine authority, and run the quorum acts with an officer key of this machine's keychain.
// Each act unlocks the officer key for that act only (password per act) and locks it again, whatever happens; the
// answer is the posted transaction, or — while more officers must sign — the partially signed file (public data).
import {
  AUTHORITY_TYPE,
  AuthorityInputError,
  CREDENTIAL_TYPE,
  describePartial,
  licenceKey,
  parsePartial,
  requiredKeys,
  signedBy,
  type PartialTransaction,
  type VerifiedAuthority,
} from '../../src-shared/authority';
import type { ConditionDetails } from '../../src-shared/ledger';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { InvalidInputError } from '../vault/errors';
import { CredentialRegistry, type AuthorityLedger } from './credential-registry';
import {
  postPartial,
  prepareIssue,
  prepareRenew,
  prepareRevoke,
  setUpOneMachineAuthority,
  signPartial,
  type LedgerPoster,
} from './hospital';
import type { OfficerKeychain } from './officer-keychain';
import type { AuthorityTrust, TrustState } from './trust';

export interface QuorumActResult {
  posted: string | null;
  partial: string | null;
  describes: string;
  signedBy: string[];
  needed: number;
}

export interface OfficerPick {
  password: string;
  /** Which of this machine's officer keys signs; needed only when it holds several of the authority's. */
  officer?: string;
}

const DAY = 86_400_000;

/** Signatures the first input needs: a threshold condition's m, a lone key's 1. */
function neededOf(partial: PartialTransaction): number {
  const details = partial.unsigned.inputs[0]?.fulfillment as ConditionDetails | undefined;
  return details?.type === 'threshold-sha-256' ? details.threshold : 1;
}

function date(value: string, field: string): Date {
  const d = new Date(value);
  if (!Number.isFinite(d.getTime())) throw new InvalidInputError(field, `${value} is not a date (use YYYY-MM-DD)`);
  return d;
}

export class HospitalDesk {
  /**
   * Keychain calls one at a time: listing probes the keychain by writing and deleting one entry, and two probes at
   * once (the Hospital screen reads status and credentials together) make libsecret report the keychain as locked.
   */
  #keychainQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ledger: LedgerPoster & AuthorityLedger,
    private readonly keychain: OfficerKeychain,
    readonly trust: AuthorityTrust,
    /** The emergency service's key on this machine (single-machine default): published when the hospital is set up. */
    private readonly emergencyKey?: () => Promise<{ signKey: string; boxKey: string }>,
  ) {}

  state(): Promise<TrustState> {
    return this.trust.state();
  }

  /** The pinned authority, verified; a specific refusal when none is pinned or it cannot be trusted. */
  async pinned(): Promise<Extract<TrustState, { kind: 'pinned' }>> {
    const state = await this.trust.state();
    if (state.kind === 'none')
      throw new AuthorityInputError(
        'No hospital authority is pinned on this computer: set up or join a hospital first',
      );
    if (state.kind === 'unverified') throw new AuthorityInputError(state.reason);
    return state;
  }

  #serialKeychain<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#keychainQueue.then(task, task);
    this.#keychainQueue = run.catch(() => undefined);
    return run;
  }

  #officerKeys(): Promise<string[]> {
    return this.#serialKeychain(async () => (await this.keychain.list()).map((o) => o.signKey));
  }

  /** The authority's officers whose keys this machine's keychain holds. */
  async officersHere(authority: VerifiedAuthority): Promise<Set<string>> {
    const here = new Set(await this.#officerKeys());
    return new Set(authority.data.officers.map((o) => o.signKey).filter((k) => here.has(k)));
  }

  /** Reads and verifies an authority id before anyone pins it (join); throws AuthorityUnverifiedError. */
  verify(authorityId: string): Promise<VerifiedAuthority> {
    return new CredentialRegistry(this.ledger, authorityId, undefined).authority();
  }

  setUp(input: { hospitalName: string; officerName: string; password: string }) {
    return this.#serialKeychain(() => setUpOneMachineAuthority(this.ledger, this.keychain, input, this.emergencyKey));
  }

  async issue(
    input: {
      name: string;
      licence: string;
      specialty: string;
      signKey: string;
      boxKey: string;
      validFrom?: string;
      validUntil: string;
    } & OfficerPick,
    now = new Date(),
  ): Promise<QuorumActResult> {
    const { authority, registry } = await this.pinned();
    const validFrom = input.validFrom ? date(input.validFrom, 'validFrom') : now;
    const validUntil = date(input.validUntil, 'validUntil');
    if (validUntil.getTime() <= now.getTime())
      throw new InvalidInputError('validUntil', 'Valid until must be in the future');
    if (validUntil.getTime() <= validFrom.getTime())
      throw new InvalidInputError('validUntil', 'Valid until must be after valid from');
    if (validFrom.getTime() > now.getTime() + 366 * DAY)
      throw new InvalidInputError('validFrom', 'Valid from is more than a year ahead');
    const entries = registry.practitioners(now);
    const holder = entries.find((p) => licenceKey(p.licence) === licenceKey(input.licence));
    if (holder)
      throw new InvalidInputError(
        'licence',
        `Licence ${input.licence} is already held by ${holder.name} (credential ${holder.credentialId}, ${holder.status}); a licence number is unique`,
      );
    const sameKey = entries.find((p) => p.signKey === input.signKey && p.status === 'valid');
    if (sameKey)
      throw new InvalidInputError(
        'signKey',
        `This key already holds a valid credential (${sameKey.name}, licence ${sameKey.licence})`,
      );
    const partial = prepareIssue(
      authority,
      {
        name: input.name,
        licence: input.licence,
        specialty: input.specialty,
        signKey: input.signKey,
        boxKey: input.boxKey,
        validFrom: validFrom.toISOString(),
        validUntil: validUntil.toISOString(),
      },
      now,
    );
    return this.#signAndPost(partial, input, authority.data.name);
  }

  async renew(input: { credentialId: string; validUntil: string } & OfficerPick): Promise<QuorumActResult> {
    const { authority, registry } = await this.pinned();
    const validUntil = date(input.validUntil, 'validUntil');
    if (validUntil.getTime() <= Date.now())
      throw new InvalidInputError('validUntil', 'Valid until must be in the future');
    return this.#signAndPost(prepareRenew(registry, input.credentialId, validUntil), input, authority.data.name);
  }

  async revoke(input: { credentialId: string; reason: string } & OfficerPick): Promise<QuorumActResult> {
    const { authority, registry } = await this.pinned();
    return this.#signAndPost(
      prepareRevoke(registry, input.credentialId, input.reason || undefined),
      input,
      authority.data.name,
    );
  }

  /**
   * An officer adds their signature to a file another officer started: a ceremony (before any authority is pinned),
   * or an act of the pinned authority (a credential of another authority is refused: nothing is signed blind).
   */
  async signPartial(input: { partial: string } & OfficerPick): Promise<QuorumActResult> {
    const partial = parsePartial(input.partial);
    const asset = partial.unsigned.asset as { id?: unknown; data?: { type?: unknown; authority?: unknown } };
    if (partial.unsigned.operation === 'CREATE' && asset.data?.type === AUTHORITY_TYPE)
      return this.#signAndPost(partial, input, 'the hospital authority ceremony');
    const { authority, registry } = await this.pinned();
    const ours =
      partial.unsigned.operation === 'CREATE'
        ? asset.data?.type === CREDENTIAL_TYPE && asset.data.authority === authority.id
        : typeof asset.id === 'string' && (asset.id === authority.id || registry.credential(asset.id) !== undefined);
    if (!ours)
      throw new AuthorityInputError(
        `This file is not an act of ${authority.data.name} (${authority.id}): it is not signed here`,
      );
    return this.#signAndPost(partial, input, authority.data.name);
  }

  /**
   * Runs `act` with this computer's officer key of the pinned authority, unlocked for that act only (password per
   * act) and locked again whatever happens: for acts signed by one officer (an emergency follow-up).
   */
  async withOfficer<T>(
    pick: OfficerPick,
    act: (officer: KeyHolder, pinned: Extract<TrustState, { kind: 'pinned' }>) => Promise<T>,
  ): Promise<T> {
    const pinned = await this.pinned();
    const members = new Set(pinned.authority.data.officers.map((o) => o.signKey));
    const here = (await this.#officerKeys()).filter((k) => members.has(k));
    if (pick.officer && !here.includes(pick.officer))
      throw new InvalidInputError('officer', `${pick.officer} is not an officer key of this hospital on this computer`);
    if (!pick.officer && here.length === 0)
      throw new InvalidInputError(
        'officer',
        `No officer key of ${pinned.authority.data.name} is on this computer: an officer acts on their own machine`,
      );
    if (!pick.officer && here.length > 1)
      throw new InvalidInputError('officer', 'Several officer keys are on this computer: choose which one signs');
    const holder = await this.#serialKeychain(() => this.keychain.unlock(pick.officer ?? here[0]!, pick.password));
    try {
      return await act(holder, pinned);
    } finally {
      holder.lock();
    }
  }

  async #officerKey(partial: PartialTransaction, whose: string, chosen?: string): Promise<string> {
    const required = requiredKeys(partial);
    const wanted = (await this.#officerKeys()).filter((k) => required.has(k));
    if (chosen) {
      if (!wanted.includes(chosen))
        throw new InvalidInputError('officer', `${chosen} is not an officer key on this computer that can sign this`);
      return chosen;
    }
    if (wanted.length === 0)
      throw new InvalidInputError(
        'officer',
        `No officer key of ${whose} is on this computer: an officer signs on their own machine`,
      );
    if (wanted.length > 1)
      throw new InvalidInputError('officer', 'Several officer keys are on this computer: choose which one signs');
    return wanted[0]!;
  }

  async #signAndPost(partial: PartialTransaction, pick: OfficerPick, whose: string): Promise<QuorumActResult> {
    const officer = await this.#officerKey(partial, whose, pick.officer);
    const holder = await this.#serialKeychain(() => this.keychain.unlock(officer, pick.password));
    let signed: PartialTransaction;
    try {
      signed = await signPartial(partial, holder);
    } finally {
      holder.lock();
    }
    const needed = neededOf(signed);
    const who = signedBy(signed);
    const describes = describePartial(signed);
    if (who.length < needed)
      return { posted: null, partial: JSON.stringify(signed, null, 2), describes, signedBy: who, needed };
    const { tx } = await postPartial(this.ledger, signed);
    this.trust.invalidate();
    return { posted: tx.id, partial: null, describes, signedBy: who, needed };
  }
}

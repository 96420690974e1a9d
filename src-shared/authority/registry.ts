// Who is a practitioner of this hospital, at which ledger position. Built from verified credentials
// (verify.ts); answers from memory.
//
// The rule (docs/AUTHORITY.md §"Ledger position"):
//  - Issuance and revocation are ledger positions. A credential counts at block heights h with
//    issuedHeight ≤ h < endHeight, where endHeight is the height of its revocation, or of the credential that
//    supersedes it (a re-key), whichever comes first.
//  - validFrom / validUntil are dates and need a time for h. Neither BigchainDB's HTTP API nor the embedded node
//    gives a trusted block time, and the self-declared envelope `at` is never used. The only trusted clock readings on
//    the ledger are the quorum's own: the `at` the officers signed into the ceremony and every credential act. So the
//    time at h is bounded by anchors: lower(h) = latest anchor time at a height ≤ h, upper(h) = earliest anchor time
//    at a height ≥ h. A credential is "expired" at h only when lower(h) > validUntil (proven late), "not-yet" when
//    upper(h) < validFrom (proven early); otherwise the dates do not decide. A renewal changes validUntil from its own
//    height on. For the present (may this key write now? what does the directory show?) the caller's clock is used.
import { licenceKey, type CredentialData } from './model';
import type { VerifiedAuthority, VerifiedCredential } from './verify';

export type CredentialStatus = 'valid' | 'not-yet' | 'expired' | 'revoked' | 'unknown';

export interface StatusAnswer {
  status: CredentialStatus;
  /** The credential the answer is about (none for 'unknown'). */
  credentialId?: string;
  name?: string;
  licence?: string;
}

export interface RegistryProblem {
  /** The credential (or transaction) concerned. */
  id: string;
  reason: string;
}

export interface PractitionerEntry {
  credentialId: string;
  name: string;
  licence: string;
  specialty: string;
  signKey: string;
  boxKey: string;
  validFrom: string;
  /** As last renewed. */
  validUntil: string;
  issuedHeight: number;
  /** Height from which it no longer counts (revoked or superseded), or null. */
  endHeight: number | null;
  endReason: 'revoked' | 'superseded' | 'tampered' | null;
  /** Status for the present: the latest ledger position, dates against the caller's clock. */
  status: CredentialStatus;
}

interface Entry {
  credential: VerifiedCredential;
  endHeight: number | null;
  endReason: PractitionerEntry['endReason'];
}

interface Anchor {
  height: number;
  time: number;
}

const RANK: Record<CredentialStatus, number> = { valid: 4, 'not-yet': 3, expired: 2, revoked: 1, unknown: 0 };

export class CredentialRegistryView {
  readonly problems: RegistryProblem[] = [];
  readonly #entries: Entry[] = [];
  readonly #bySignKey = new Map<string, Entry[]>();
  readonly #anchors: Anchor[];

  /** `rejected`: credentials whose verification failed (reported, never used). */
  constructor(
    readonly authority: VerifiedAuthority,
    credentials: readonly VerifiedCredential[],
    rejected: readonly RegistryProblem[] = [],
  ) {
    this.problems.push(...rejected);
    const ordered = [...credentials].sort(
      (a, b) => a.issued.height - b.issued.height || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const byLicence = new Map<string, Entry>();
    const byId = new Map<string, Entry>();
    const anchors: Anchor[] = [{ height: authority.height, time: Date.parse(authority.at) }];
    for (const credential of ordered) {
      const licence = licenceKey(credential.data.licence);
      const holder = byLicence.get(licence);
      const supersedes = credential.data.supersedes;
      if (holder) {
        if (supersedes !== holder.credential.id) {
          this.problems.push({
            id: credential.id,
            reason: `ignored: licence ${credential.data.licence} is already held by credential ${holder.credential.id}`,
          });
          continue;
        }
        this.#end(holder, credential.issued.height, 'superseded');
      } else if (supersedes !== undefined) {
        this.problems.push({
          id: credential.id,
          reason: `ignored: it supersedes ${supersedes}, which is not the credential holding licence ${credential.data.licence}`,
        });
        continue;
      }
      const entry: Entry = { credential, endHeight: null, endReason: null };
      for (const act of credential.acts)
        if (act.act.type === 'hc.credential.revoke/1') this.#end(entry, act.height, 'revoked');
      if (credential.problem) {
        this.problems.push({ id: credential.id, reason: credential.problem });
        if (credential.brokenAt !== null) this.#end(entry, credential.brokenAt, 'tampered');
      }
      byLicence.set(licence, entry);
      byId.set(credential.id, entry);
      this.#entries.push(entry);
      const list = this.#bySignKey.get(credential.data.signKey) ?? [];
      list.push(entry);
      this.#bySignKey.set(credential.data.signKey, list);
      for (const a of [credential.issued, ...credential.acts])
        anchors.push({ height: a.height, time: Date.parse(a.act.at) });
    }
    this.#anchors = anchors.filter((a) => Number.isFinite(a.time)).sort((a, b) => a.height - b.height);
  }

  #end(entry: Entry, height: number, reason: NonNullable<Entry['endReason']>): void {
    if (entry.endHeight === null || height < entry.endHeight) {
      entry.endHeight = height;
      entry.endReason = reason;
    }
  }

  /** Time bounds at height h from the quorum's anchors (ms since the epoch; undefined when none). */
  timeBoundsAt(height: number): { lower?: number; upper?: number } {
    let lower: number | undefined;
    let upper: number | undefined;
    for (const a of this.#anchors) {
      if (a.height <= height) lower = lower === undefined ? a.time : Math.max(lower, a.time);
      if (a.height >= height) upper = upper === undefined ? a.time : Math.min(upper, a.time);
    }
    return { lower, upper };
  }

  /** Was `signKey` a credentialed practitioner at block height `height`? */
  statusAt(signKey: string, height: number): StatusAnswer {
    return this.#best(signKey, (e) => this.#statusOf(e, height, this.timeBoundsAt(height)));
  }

  /**
   * Did one credential of `signKey` count at every height from `from` to `to`? Its status can change only where the
   * ledger says something: at `from`, at a credential act or the ceremony (the anchors: issuance, renewal, revocation
   * and re-key heights, and the times that decide expiry), so those heights are all that is checked.
   */
  validThroughout(signKey: string, from: number, to: number): boolean {
    const inside = this.#anchors.map((a) => a.height).filter((h) => h > from && h < to);
    return (this.#bySignKey.get(signKey) ?? []).some((e) =>
      [from, ...inside, ...(e.endHeight === null ? [] : [e.endHeight]), to]
        .filter((h) => h >= from && h <= to)
        .every((h) => this.#statusOf(e, h, this.timeBoundsAt(h)) === 'valid'),
    );
  }

  /**
   * Heights at which `statusAt(signKey, ·)` can change (it is constant from one to the next): its credentials'
   * issuance and end heights, and each anchor's height and the one after it (the time bounds move there: lower(h) takes
   * an anchor in at its height, upper(h) lets it go one height later; renewals are anchors too). A key with no
   * credential has none: it is unknown at every height.
   */
  changeHeights(signKey: string): number[] {
    const entries = this.#bySignKey.get(signKey) ?? [];
    if (entries.length === 0) return [];
    const heights = new Set<number>();
    for (const e of entries) {
      heights.add(e.credential.issued.height);
      if (e.endHeight !== null) heights.add(e.endHeight);
    }
    for (const a of this.#anchors) heights.add(a.height).add(a.height + 1);
    return [...heights].sort((a, b) => a - b);
  }

  /** Every transaction of the authority and the accepted credentials with the height the node gave it. */
  knownPositions(): { txId: string; height: number }[] {
    return [
      { txId: this.authority.id, height: this.authority.height },
      ...this.#entries.flatMap((e) =>
        [e.credential.issued, ...e.credential.acts].map((a) => ({ txId: a.txId, height: a.height })),
      ),
    ];
  }

  /**
   * For a version placed before the authority existed (below the ceremony's height), where no credential could yet
   * count: the best credential `signKey` was ever given (docs/AUTHORITY.md §"Charts written before the authority").
   * A credential this version could not verify (a broken chain) does not vouch.
   */
  everCredentialed(signKey: string): StatusAnswer {
    const held = (this.#bySignKey.get(signKey) ?? []).find((e) => e.endReason !== 'tampered');
    return held
      ? {
          status: 'valid',
          credentialId: held.credential.id,
          name: held.credential.data.name,
          licence: held.credential.data.licence,
        }
      : { status: 'unknown' };
  }

  /** The present: every ledger act counts, and the dates are checked against `now` (the caller's clock). */
  currentStatus(signKey: string, now: Date): StatusAnswer {
    const t = now.getTime();
    return this.#best(signKey, (e) => this.#statusOf(e, Number.POSITIVE_INFINITY, { lower: t, upper: t }));
  }

  /** Credentialed practitioners (every accepted credential that is not superseded), for the directory. */
  practitioners(now: Date): PractitionerEntry[] {
    const t = now.getTime();
    return this.#entries
      .filter((e) => e.endReason !== 'superseded')
      .map((e) => {
        const d: CredentialData = e.credential.data;
        return {
          credentialId: e.credential.id,
          name: d.name,
          licence: d.licence,
          specialty: d.specialty,
          signKey: d.signKey,
          boxKey: d.boxKey,
          validFrom: d.validFrom,
          validUntil: this.#validUntil(e, Number.POSITIVE_INFINITY),
          issuedHeight: e.credential.issued.height,
          endHeight: e.endHeight,
          endReason: e.endReason,
          status: this.#statusOf(e, Number.POSITIVE_INFINITY, { lower: t, upper: t }),
        };
      });
  }

  /** The accepted credential with this id (for renew / revoke: its latest transaction is the one to spend). */
  credential(id: string): VerifiedCredential | undefined {
    return this.#entries.find((e) => e.credential.id === id)?.credential;
  }

  #best(signKey: string, statusOf: (e: Entry) => CredentialStatus): StatusAnswer {
    let best: StatusAnswer = { status: 'unknown' };
    for (const e of this.#bySignKey.get(signKey) ?? []) {
      const status = statusOf(e);
      if (RANK[status] > RANK[best.status])
        best = {
          status,
          credentialId: e.credential.id,
          name: e.credential.data.name,
          licence: e.credential.data.licence,
        };
    }
    return best;
  }

  #validUntil(e: Entry, height: number): string {
    let until = e.credential.data.validUntil;
    for (const a of e.credential.acts)
      if (a.height <= height && a.act.type === 'hc.credential.renew/1') until = a.act.validUntil;
    return until;
  }

  #statusOf(e: Entry, height: number, bounds: { lower?: number; upper?: number }): CredentialStatus {
    if (height < e.credential.issued.height) return 'not-yet';
    if (e.endHeight !== null && height >= e.endHeight) return 'revoked';
    if (bounds.lower !== undefined && bounds.lower > Date.parse(this.#validUntil(e, height))) return 'expired';
    if (bounds.upper !== undefined && bounds.upper < Date.parse(e.credential.data.validFrom)) return 'not-yet';
    return 'valid';
  }
}

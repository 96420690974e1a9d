// Recovery with officers on separate machines, as the app runs it (the CLI's `hospital recovery session|share` and
// `recover --session --shares`, docs/AUTHORITY.md). The coordinator's one-time session secret stays in this process's
// memory (the CLI keeps it in a mode-600 file; the app has no reason to write it anywhere) and is wiped when the
// session ends or the app quits. An officer's share is opened with their key and sealed to the session key at once;
// only that sealed file leaves their machine. The share file is the CLI's format, so either side may use either tool.
import { z } from 'zod';
import { AuthorityInputError, newRecoveryKeyPair, type VerifiedAuthority } from '../../src-shared/authority';
import { wipe } from '../../src-shared/crypto/bytes';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { BASE58_KEY, HEX64 } from '../../src-shared/ledger/patterns';
import { InvalidInputError } from '../vault/errors';
import { openRecoveryShare, openSessionShare, rebuildRecoveryKey, sealShareForSession } from './recovery-flows';

export const SHARE_FORMAT = 'healthchain.recovery-share';
export const MAX_SESSIONS = 4;

const shareFileSchema = z.object({
  format: z.literal(SHARE_FORMAT),
  version: z.literal(1),
  authority: z.string().regex(HEX64),
  officer: z.string().regex(BASE58_KEY),
  sessionKey: z.string().regex(BASE58_KEY),
  share: z.string().min(1).max(10_000),
});
export type ShareFile = z.infer<typeof shareFileSchema>;

/** A share file as the coordinator received it; a specific refusal for anything else. */
export function parseShareFile(text: string, index: number): ShareFile {
  const label = `Share file ${index + 1}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError('shares', `${label} is not a recovery share file (not JSON)`);
  }
  const parsed = shareFileSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidInputError('shares', `${label} is not a recovery share file (format ${SHARE_FORMAT}, version 1)`);
  return parsed.data;
}

/** An officer's share, opened with their unlocked key and sealed to the session key: the file to send. */
export async function sealShareFile(
  authority: VerifiedAuthority,
  officer: KeyHolder,
  sessionKey: string,
): Promise<string> {
  const share = await openRecoveryShare(authority, officer);
  try {
    const file: ShareFile = {
      format: SHARE_FORMAT,
      version: 1,
      authority: authority.id,
      officer: officer.signKey,
      sessionKey,
      share: sealShareForSession(share, sessionKey),
    };
    return `${JSON.stringify(file, null, 2)}\n`;
  } finally {
    wipe(share);
  }
}

export class RecoverySessions {
  readonly #sessions = new Map<string, { secret: Uint8Array; startedAt: string }>();

  start(): { sessionKey: string; startedAt: string } {
    // A few at once at most (one per recovery under way): the oldest is ended first, its secret wiped.
    if (this.#sessions.size >= MAX_SESSIONS) this.end(this.#sessions.keys().next().value!);
    const pair = newRecoveryKeyPair();
    const startedAt = new Date().toISOString();
    this.#sessions.set(pair.publicKey, { secret: pair.secret, startedAt });
    return { sessionKey: pair.publicKey, startedAt };
  }

  end(sessionKey: string): void {
    const session = this.#sessions.get(sessionKey);
    if (session) wipe(session.secret);
    this.#sessions.delete(sessionKey);
  }

  endAll(): void {
    for (const key of [...this.#sessions.keys()]) this.end(key);
  }

  /**
   * The recovery secret rebuilt from share files sealed to this machine's session (the caller wipes it): each file
   * must be of this authority and this session, from a distinct officer of it; fewer than the threshold is refused.
   */
  async rebuild(
    authority: VerifiedAuthority,
    sessionKey: string,
    texts: readonly string[],
  ): Promise<{ secret: Uint8Array; officers: string[] }> {
    const session = this.#sessions.get(sessionKey);
    if (!session)
      throw new InvalidInputError(
        'sessionKey',
        'No such recovery session on this computer (a session lasts until it is ended or the app quits): start a new one',
      );
    const members = new Set(authority.data.officers.map((o) => o.signKey));
    const files = texts.map((text, i) => parseShareFile(text, i));
    const officers: string[] = [];
    for (const [i, file] of files.entries()) {
      const label = `Share file ${i + 1} (officer ${file.officer})`;
      if (file.authority !== authority.id)
        throw new InvalidInputError('shares', `${label} is a share of another hospital authority (${file.authority})`);
      if (file.sessionKey !== sessionKey)
        throw new InvalidInputError('shares', `${label} is sealed for another recovery session (${file.sessionKey})`);
      if (!members.has(file.officer))
        throw new InvalidInputError('shares', `${label}: not an officer of ${authority.data.name}`);
      if (officers.includes(file.officer)) throw new InvalidInputError('shares', `${label} was given twice`);
      officers.push(file.officer);
    }
    const m = authority.data.threshold;
    if (files.length < m)
      throw new InvalidInputError(
        'shares',
        `Not enough shares: ${authority.data.name} needs ${m} officers' shares to rebuild its recovery key; ${files.length} given`,
      );
    const shares: Uint8Array[] = [];
    try {
      for (const file of files) {
        try {
          shares.push(openSessionShare(session.secret, file.share));
        } catch (error) {
          if (error instanceof AuthorityInputError)
            throw new InvalidInputError('shares', `Share of officer ${file.officer}: ${error.message}`);
          throw error;
        }
      }
      return { secret: await rebuildRecoveryKey(authority, shares), officers };
    } finally {
      wipe(...shares);
    }
  }
}

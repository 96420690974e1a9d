// The kiosk's card-attempt counters on disk, so turning the kiosk off and on again does not reset a thief's count
// (issue #14). One small JSON file in the kiosk's data folder, replaced atomically (temp file, fsync, rename), 0600.
//
// It holds no health data and nothing that identifies a patient: per card only SHA-256 of the card secret (a 128-bit
// random value, so the hash cannot be turned back into a card) with a failure count and times. Cards leave the file on
// their next success, or a day after their last failure.
//
// A file that cannot be read or does not parse is not trusted and not silently replaced by empty counters: it is set
// aside (renamed, kept for IT) and the caller pauses every card for the longest delay (fail closed).
import fs from 'node:fs/promises';
import { z } from 'zod';
import { setAside, writeFileAtomic } from '../fs/atomic-file';
import type { AttemptSnapshot } from './attempt-limiter';

export const ATTEMPT_STATE_FORMAT = 'healthchain.card-attempts';

const time = z.number().int().nonnegative();
const schema = z.strictObject({
  format: z.literal(ATTEMPT_STATE_FORMAT),
  version: z.literal(1),
  keys: z.record(
    z.string().regex(/^[0-9a-f]{64}$/),
    z.strictObject({ failures: z.number().int().min(1), lastFailureAt: time, blockedUntil: time.optional() }),
  ),
  allBlockedUntil: time.optional(),
});

export type AttemptStateLoad =
  { snapshot: AttemptSnapshot | null; problem: null } | { snapshot: null; problem: string };

export class AttemptStateFile {
  #writing: Promise<void> = Promise.resolve();

  constructor(readonly filePath: string) {}

  /** The saved counters; null when none were saved yet; a problem (and the file set aside) when it is damaged. */
  async load(): Promise<AttemptStateLoad> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { snapshot: null, problem: null };
      return { snapshot: null, problem: `${this.filePath} cannot be read (${(error as Error).message})` };
    }
    let parsed: z.infer<typeof schema>;
    try {
      parsed = schema.parse(JSON.parse(text));
    } catch {
      return { snapshot: null, problem: `${this.filePath} is damaged; set aside as ${await this.#setAside()}` };
    }
    const { keys, allBlockedUntil } = parsed;
    return { snapshot: { keys, ...(allBlockedUntil !== undefined ? { allBlockedUntil } : {}) }, problem: null };
  }

  /** Writes the counters; saves run one after another, so the last call's state is what stays on disk. */
  save(snapshot: AttemptSnapshot): Promise<void> {
    const run = this.#writing.then(() => this.#write(snapshot));
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async #write(snapshot: AttemptSnapshot): Promise<void> {
    await writeFileAtomic(
      this.filePath,
      `${JSON.stringify({ format: ATTEMPT_STATE_FORMAT, version: 1, ...snapshot })}\n`,
    );
  }

  #setAside(): Promise<string> {
    return setAside(this.filePath);
  }
}

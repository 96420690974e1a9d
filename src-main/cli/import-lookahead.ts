// The files of an import, read and handed to the validation workers ahead of their turn. The CLI starts this as soon
// as the identity's unlocking (scrypt) is under way, so the workers check the first bundles while the key is derived
// and the node starts, rather than after (docs/BENCHMARKS.md, the import's timeline). Each bundle is still checked
// once, by the same validator, and importFhir still refuses it on the answer: only the moment the check starts moves.
import { readFileSync } from 'node:fs';
import type { FieldError } from '../../src-shared/records/validate';
import type { FhirValidator } from '../records/fhir-validator-pool';

/** One file as the import loop reads it: the parsed bundle and its text, or why it could not be read or parsed. */
export type ReadBundle = { bundle: unknown; json: string } | { error: Error };

export function readBundle(file: string): ReadBundle {
  try {
    const json = readFileSync(file, 'utf8');
    return { bundle: JSON.parse(json) as unknown, json };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}

export class ImportLookahead {
  private readonly read: (ReadBundle | 'taken' | undefined)[];
  /** Checks under way, by the bundle object they are for; each is handed out once. */
  private readonly checks = new WeakMap<object, Promise<FieldError[]>>();
  private nextRead = 0;
  private taken = 0;

  /**
   * `ahead`: files read and sent for checking beyond those taken, at most (bounds the memory of a large folder).
   * Nothing is read until start().
   */
  constructor(
    private readonly files: readonly string[],
    private readonly validator: FhirValidator,
    private readonly ahead: number,
  ) {
    this.read = new Array<ReadBundle | 'taken' | undefined>(files.length);
  }

  /** What the chart service validates with: a bundle read here gets the check already under way for it. */
  readonly fhirValidator: FhirValidator = {
    validate: (input, json) => {
      const early = typeof input === 'object' && input !== null ? this.checks.get(input) : undefined;
      if (!early) return this.validator.validate(input, json);
      this.checks.delete(input as object);
      return early;
    },
  };

  /** Reads the first `ahead` files and sends them for checking. */
  start(): void {
    this.fill();
  }

  /** File `index`, read (now if it was not yet); each index is taken once, in any order. */
  take(index: number): ReadBundle {
    const held = this.read[index];
    if (held === 'taken') throw new Error(`file ${index} of the import was taken already`);
    const got = held ?? this.readAndCheck(index);
    this.read[index] = 'taken';
    this.taken++;
    this.fill();
    return got;
  }

  private fill(): void {
    while (this.nextRead < this.files.length && this.nextRead < this.taken + this.ahead) {
      const index = this.nextRead++;
      this.read[index] ??= this.readAndCheck(index);
    }
  }

  private readAndCheck(index: number): ReadBundle {
    const got = readBundle(this.files[index]!);
    if ('bundle' in got && typeof got.bundle === 'object' && got.bundle !== null && !this.checks.has(got.bundle)) {
      const check = this.validator.validate(got.bundle, got.json);
      // Awaited by importFhir later; until then a failure is not an unhandled rejection.
      check.catch(() => {});
      this.checks.set(got.bundle, check);
    }
    return got;
  }
}

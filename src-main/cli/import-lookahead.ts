// The files of an import, read and handed to the validation workers ahead of their turn. The CLI starts this as soon
// as the identity's unlocking (scrypt) is under way, so the workers check the first bundles while the key is derived
// and the node starts, rather than after (docs/BENCHMARKS.md, the import's timeline). Each bundle is still checked
// once, by the same validator, and importFhir still refuses it on the answer: only the moment the check starts moves.
// Until the import's first chart is taken the main thread has nothing else to do (scrypt runs on libuv's pool), so a
// bundle found valid meanwhile is also read into a chart here (`fhirToChart`, pure, no key): the import then takes
// that very result instead of converting on its busiest thread (docs/BENCHMARKS.md, the import's timeline).
import { readFileSync } from 'node:fs';
import { fhirToChart, type FhirImportResult } from '../../src-shared/records/fhir';
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
  /** Bundles read into charts while the import waited to start; each answer is handed out once. */
  private readonly converted = new WeakMap<object, FhirImportResult>();
  private nextRead = 0;
  private taken = 0;
  /** Until the first take(): the main thread is idle, so valid bundles are converted as their checks answer. */
  private waiting = true;
  /** Bundles converted while waiting (the timeline prints it). */
  convertedAhead = 0;

  /**
   * `ahead`: files read and sent for checking beyond those taken, at most (bounds the memory of a large folder);
   * `aheadWhileWaiting`: as many before the first take, while the identity unlocks. Nothing is read until start().
   */
  constructor(
    private readonly files: readonly string[],
    private readonly validator: FhirValidator,
    private readonly ahead: number,
    private readonly aheadWhileWaiting = ahead,
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

  /** What the chart service reads a valid bundle with: the chart converted while waiting, else converted now. */
  readonly fhirConverter = (bundle: unknown): FhirImportResult => {
    const early = typeof bundle === 'object' && bundle !== null ? this.converted.get(bundle) : undefined;
    if (!early) return fhirToChart(bundle);
    this.converted.delete(bundle as object);
    return early;
  };

  /** Reads the first `aheadWhileWaiting` files and sends them for checking. */
  start(): void {
    this.fill();
  }

  /** File `index`, read (now if it was not yet); each index is taken once, in any order. */
  take(index: number): ReadBundle {
    const held = this.read[index];
    if (held === 'taken') throw new Error(`file ${index} of the import was taken already`);
    this.waiting = false;
    const got = held ?? this.readAndCheck(index);
    this.read[index] = 'taken';
    this.taken++;
    this.fill();
    return got;
  }

  private fill(): void {
    const ahead = this.waiting ? this.aheadWhileWaiting : this.ahead;
    while (this.nextRead < this.files.length && this.nextRead < this.taken + ahead) {
      const index = this.nextRead++;
      this.read[index] ??= this.readAndCheck(index);
    }
  }

  private readAndCheck(index: number): ReadBundle {
    const got = readBundle(this.files[index]!);
    if ('bundle' in got && typeof got.bundle === 'object' && got.bundle !== null && !this.checks.has(got.bundle)) {
      const bundle = got.bundle;
      const check = this.validator.validate(bundle, got.json);
      // Awaited by importFhir later; until then a failure is not an unhandled rejection.
      check.then(
        (problems) => {
          if (!this.waiting || problems.length > 0) return;
          this.converted.set(bundle, fhirToChart(bundle));
          this.convertedAhead++;
        },
        () => {},
      );
      this.checks.set(bundle, check);
    }
    return got;
  }
}

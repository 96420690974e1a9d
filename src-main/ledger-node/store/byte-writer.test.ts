import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer';

describe('ByteWriter', () => {
  it('grows past its capacity and holds exactly the text and byte ranges written, short and long copies alike', () => {
    const writer = new ByteWriter(4);
    const source = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    expect(writer.utf8('[é😀')).toBe(7);
    writer.copy(source, 3, 10);
    writer.copy(source, 100, 900);
    writer.utf8(']');
    const expected = Buffer.concat([
      Buffer.from('[é😀', 'utf8'),
      source.subarray(3, 10),
      source.subarray(100, 900),
      Buffer.from(']'),
    ]);
    expect(writer.written().equals(expected)).toBe(true);
    expect(Buffer.from(writer.take()).equals(expected)).toBe(true);
    expect(writer.length).toBe(0);
    expect(writer.written().length).toBe(0);
  });
});

describe('ByteWriter.ascii', () => {
  it('writes an ASCII string byte for byte, and leaves the writer as it was for any other string', () => {
    const writer = new ByteWriter(2);
    expect(writer.ascii('hc.chart/1 +AbZ09')).toBe(true);
    // Refused strings write nothing: what follows lands right after the ASCII text.
    for (const text of ['café', 'abc😀', '\u0080', 'x'.repeat(300) + 'é']) expect(writer.ascii(text)).toBe(false);
    expect(writer.ascii('')).toBe(true);
    writer.utf8('é');
    expect(writer.written().equals(Buffer.from('hc.chart/1 +AbZ09é', 'utf8'))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { memberRange } from './json-members';

const member = (json: string, name: string, within?: string) => {
  const bytes = Buffer.from(json, 'utf8');
  let start = 0;
  let end = bytes.length;
  if (within) [start, end] = memberRange(bytes, within) ?? [0, 0];
  const range = memberRange(bytes, name, start, end);
  return range && bytes.subarray(range[0], range[1]).toString('utf8');
};

describe('reading one member of stored JSON', () => {
  it('returns the exact text JSON.stringify writes for the member, whatever comes before it', () => {
    const tx = {
      id: 'ab'.repeat(32),
      tricky: ['"metadata":1', { '}': '{[', 'a\\"': '\\' }, 'é😀\u0001', null, -1.5e-7, true],
      asset: { id: 'x', data: { data: 'not this', nested: [{}] } },
      metadata: { box: 'a+b/c==', readers: [{ key: 'k', wrap: '"}]' }], n: 0 },
      inputs: [],
    };
    const json = JSON.stringify(tx);
    expect(member(json, 'metadata')).toBe(JSON.stringify(tx.metadata));
    expect(member(json, 'tricky')).toBe(JSON.stringify(tx.tricky));
    expect(member(json, 'data', 'asset')).toBe(JSON.stringify(tx.asset.data));
    expect(member(json, 'id')).toBe(JSON.stringify(tx.id));
    expect(member(json, 'inputs')).toBe('[]');
  });

  it('reads scalars and nulls, tolerates white space, and tells a missing member or a non-object apart', () => {
    expect(member('{"metadata":null,"n":12}', 'metadata')).toBe('null');
    expect(member('{"metadata":null,"n":12}', 'n')).toBe('12');
    expect(member('{ "a" : [1, 2] ,\n "metadata" : "x" }', 'metadata')).toBe('"x"');
    expect(member('{"metadatas":1,"meta":2}', 'metadata')).toBeUndefined();
    expect(member('{}', 'metadata')).toBeUndefined();
    expect(member('null', 'data')).toBeUndefined();
    expect(member('{"asset":{"id":"x"}}', 'data', 'asset')).toBeUndefined();
  });
});

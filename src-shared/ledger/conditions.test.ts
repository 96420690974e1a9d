// Crypto-condition encoding (docs/PROTOCOL.md §3): costs, subtypes, URIs, and the strict DER reader.
import { describe, expect, it } from 'vitest';
import vectorsFile from '../../test/fixtures/bigchaindb/test-vectors.json';
import { fromBase64Url, toHex } from './bytes';
import { conditionBinary, conditionFromDetails, conditionUri, DetailsError } from './conditions';
import { DerError, decodeBitSet, encodeBitSet, encodeUnsigned, readElements, readSingle } from './der';
import { encodeFulfillment, fulfillmentCondition, parseFulfillment } from './fulfillments';
import { ed25519Details, thresholdDetails } from './build';
import type { ConditionDetails } from './types';

const { alice, bob, carol } = vectorsFile.keys_test_only;
const A = alice.publicKey;
const B = bob.publicKey;
const C = carol.publicKey;

describe('conditions', () => {
  it('costs: Ed25519 131072; 2-of-2 264192; 2-of-3 265216; 2-of-3 with a nested 1-of-2 267264', () => {
    expect(conditionFromDetails(ed25519Details(A)).cost).toBe(131072);
    expect(conditionFromDetails(thresholdDetails(2, [A, B])).cost).toBe(264192);
    expect(conditionFromDetails(thresholdDetails(2, [A, B, C])).cost).toBe(265216);
    const nested = thresholdDetails(2, [A, B, thresholdDetails(1, [A, C])]);
    expect(conditionFromDetails(nested).cost).toBe(267264);
    // nested thresholds still list only ed25519 below (a node's own type is never a subtype)
    expect(conditionUri(conditionFromDetails(nested))).toMatch(
      /\?fpt=threshold-sha-256&cost=267264&subtypes=ed25519-sha-256$/,
    );
  });

  it('encodes the subtypes BIT STRING as 82 02 03 08 for "ed25519 below"', () => {
    const bin = conditionBinary(conditionFromDetails(thresholdDetails(1, [A])));
    expect(toHex(bin.subarray(bin.length - 4))).toBe('82020308');
    expect(toHex(encodeBitSet(1 << 4))).toBe('0308');
    expect(decodeBitSet(encodeBitSet((1 << 4) | (1 << 9)))).toBe((1 << 4) | (1 << 9));
    expect(() => decodeBitSet(Uint8Array.of(3, 0x09))).toThrow(DerError); // unused bits must be zero
  });

  it('the fingerprint does not depend on subcondition order', () => {
    expect(conditionUri(conditionFromDetails(thresholdDetails(2, [A, B, C])))).toBe(
      conditionUri(conditionFromDetails(thresholdDetails(2, [C, A, B]))),
    );
  });

  it('rejects impossible details with a reason; 100 nested thresholds are too deep as in the reference', () => {
    const bad: unknown[] = [
      { type: 'ed25519-sha-256', public_key: 'not-base58-0OIl' },
      { type: 'ed25519-sha-256', public_key: '1111111111111111111111111111111111111111111' }, // decodes, but not 32 bytes
      { type: 'threshold-sha-256', threshold: 3, subconditions: [ed25519Details(A), ed25519Details(B)] },
      { type: 'threshold-sha-256', threshold: 0, subconditions: [ed25519Details(A)] },
      { type: 'preimage-sha-256' },
      null,
    ];
    for (const d of bad) expect(() => conditionFromDetails(d), JSON.stringify(d)).toThrow(DetailsError);
    let deep: ConditionDetails = ed25519Details(A);
    for (let i = 0; i < 99; i++) deep = thresholdDetails(1, [deep]);
    expect(() => conditionFromDetails(deep)).not.toThrow(); // 99 thresholds + leaf: leaf at depth 99
    deep = thresholdDetails(1, [deep]);
    expect(() => conditionFromDetails(deep)).toThrow(expect.objectContaining({ kind: 'tooDeep' }));
  });
});

describe('DER', () => {
  it('encodes integers minimally with a leading zero when the top bit is set', () => {
    expect(toHex(encodeUnsigned(0))).toBe('00');
    expect(toHex(encodeUnsigned(127))).toBe('7f');
    expect(toHex(encodeUnsigned(128))).toBe('0080');
    expect(toHex(encodeUnsigned(131072))).toBe('020000');
  });

  it('reads long-form lengths and refuses non-canonical or truncated encodings', () => {
    const long = new Uint8Array(2 + 1 + 200);
    long.set([0x80, 0x81, 200]);
    expect(readSingle(long).contents.length).toBe(200);
    expect(() => readElements(Uint8Array.of(0x80, 0x81, 0x05, 1, 2, 3, 4, 5))).toThrow(DerError); // long form for 5
    expect(() => readElements(Uint8Array.of(0x80, 0x82, 0x00, 0x90))).toThrow(DerError); // non-minimal
    expect(() => readElements(Uint8Array.of(0x80, 0x80))).toThrow(DerError); // indefinite
    expect(() => readElements(Uint8Array.of(0x80, 0x05, 1))).toThrow(DerError); // truncated
    expect(() => readSingle(Uint8Array.of(0x80, 0x00, 0x80, 0x00))).toThrow(DerError); // trailing element
  });

  it('fulfillments with trailing bytes, wrong lengths, unknown types or no sub-fulfillments do not parse', () => {
    const good = fromBase64Url(vectorsFile.vectors.create_ed25519.transaction.inputs[0]!.fulfillment)!;
    expect(() => parseFulfillment(good)).not.toThrow();
    const trailing = new Uint8Array(good.length + 1);
    trailing.set(good);
    expect(() => parseFulfillment(trailing)).toThrow(DerError);
    expect(() => parseFulfillment(good.subarray(0, good.length - 1))).toThrow(DerError);
    const preimage = Uint8Array.of(0xa0, 0x05, 0x80, 0x03, 1, 2, 3);
    expect(() => parseFulfillment(preimage)).toThrow(DerError);
    expect(() => parseFulfillment(Uint8Array.of(0xa2, 0x04, 0xa0, 0x00, 0xa1, 0x00))).toThrow(DerError);
    expect(() => parseFulfillment(new Uint8Array(0))).toThrow(DerError);
  });

  it('a parsed threshold fulfillment derives the condition of the output it spends', () => {
    const v = vectorsFile.vectors;
    const ff = parseFulfillment(fromBase64Url(v.transfer_spending_2of2_threshold.transaction.inputs[0]!.fulfillment)!);
    const spent = v.transfer_to_2of2_threshold.transaction.outputs[0]!.condition;
    expect(conditionUri(fulfillmentCondition(ff))).toBe(spent.uri);
    // sub-fulfillments are written sorted whatever order they are given in
    if (ff.type !== 'threshold-sha-256') throw new Error('expected a threshold');
    const reversed = { ...ff, subfulfillments: [...ff.subfulfillments].reverse() };
    expect(toHex(encodeFulfillment(reversed))).toBe(toHex(encodeFulfillment(ff)));
  });
});

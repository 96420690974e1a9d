import { describe, it, expect } from 'vitest';
import { isVettedTransactionUrl } from './external-links';

const TX = 'c'.repeat(64);
const nodes = ['http://127.0.0.1:9984', 'https://ledger.hospital.example/bigchain/api/v1/'];

describe('openExternal vetting', () => {
  it('accepts a transaction page on a configured node', () => {
    expect(isVettedTransactionUrl(`http://127.0.0.1:9984/api/v1/transactions/${TX}`, nodes)).toBe(true);
    expect(isVettedTransactionUrl(`https://ledger.hospital.example/bigchain/api/v1/transactions/${TX}`, nodes)).toBe(
      true,
    );
  });

  for (const url of [
    `http://127.0.0.1:9985/api/v1/transactions/${TX}`, // another port
    `https://127.0.0.1:9984/api/v1/transactions/${TX}`, // another scheme
    `http://evil.example/api/v1/transactions/${TX}`,
    `http://127.0.0.1:9984/api/v1/transactions/${TX.slice(1)}`,
    `http://127.0.0.1:9984/api/v1/transactions/${TX.toUpperCase()}`,
    `http://127.0.0.1:9984/api/v1/transactions/${TX}?x=1`,
    `http://127.0.0.1:9984/api/v1/transactions/${TX}#x`,
    `http://user:pw@127.0.0.1:9984/api/v1/transactions/${TX}`,
    `http://127.0.0.1:9984/api/v1/outputs?public_key=x`,
    `http://127.0.0.1:9984/api/v1/transactions/${TX}/../../x`,
    `http://127.0.0.1:9984\\api/v1/transactions/${TX}`,
    `https://ledger.hospital.example/api/v1/transactions/${TX}`, // outside the configured path prefix
    `file:///api/v1/transactions/${TX}`,
    `javascript:alert(1)//api/v1/transactions/${TX}`,
    'not a url',
  ]) {
    it(`refuses ${url}`, () => expect(isVettedTransactionUrl(url, nodes)).toBe(false));
  }

  it('refuses everything when no node is configured', () => {
    expect(isVettedTransactionUrl(`http://127.0.0.1:9984/api/v1/transactions/${TX}`, [])).toBe(false);
  });
});

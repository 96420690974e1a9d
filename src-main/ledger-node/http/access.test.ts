import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AccessPolicy, allowedHostHeaders, generateToken, parseAllowedHost, tokenProblem } from './access';

const withAuthorization = (authorization?: string) => ({ headers: { authorization } }) as IncomingMessage;
const accepts = (policy: AccessPolicy, authorization?: string) =>
  policy.checkToken(withAuthorization(authorization)) === null;

describe('ledger node access rules', () => {
  it('allows the loopback names with the port, the listen address, and configured names', () => {
    expect([...allowedHostHeaders(9984, '127.0.0.1', [])].sort()).toEqual([
      '127.0.0.1:9984',
      '[::1]:9984',
      'localhost:9984',
    ]);
    const lan = allowedHostHeaders(9984, '0.0.0.0', ['Ledger.Clinic.LAN', '10.0.0.5:80', 'fe80::1']);
    expect(lan.has('0.0.0.0:9984')).toBe(true);
    // A name without a port: with the node's port, or bare (a reverse proxy on the default port).
    expect(lan.has('ledger.clinic.lan:9984') && lan.has('ledger.clinic.lan')).toBe(true);
    expect(lan.has('10.0.0.5:80') && !lan.has('10.0.0.5:9984') && !lan.has('10.0.0.5')).toBe(true);
    expect(lan.has('[fe80::1]:9984')).toBe(true);
    expect(lan.has('evil.example:9984') || lan.has('localhost:80') || lan.has('localhost')).toBe(false);
  });

  it('parses --allow-host entries and refuses anything else', () => {
    expect(parseAllowedHost('[::1]:8080')).toEqual({ name: '[::1]', port: 8080 });
    expect(parseAllowedHost('host.example')).toEqual({ name: 'host.example', port: null });
    for (const bad of ['', 'a b', 'x/y', 'x:70000', '-x.example', 'x..y'])
      expect(typeof parseAllowedHost(bad)).toBe('string');
  });

  it('makes tokens long and random, and refuses short or odd ones', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
    expect(tokenProblem(a)).toBeNull();
    for (const bad of ['short', 'x'.repeat(31), `${'x'.repeat(40)} y`, `${'x'.repeat(40)}\n`])
      expect(tokenProblem(bad)).not.toBeNull();
  });

  it('accepts exactly its token and nothing that differs from it in any way', () => {
    const token = generateToken();
    const policy = new AccessPolicy({ kind: 'token', token }, () => new Set());
    expect([`Bearer ${token}`, `bearer  ${token} `, `BEARER ${token}`].map((h) => accepts(policy, h))).toEqual([
      true,
      true,
      true,
    ]);
    const other = token.endsWith('A') ? 'B' : 'A';
    for (const candidate of [
      `${token.slice(0, -1)}${other}`, // one character off
      token.slice(0, -1), // a prefix
      `${token}x`, // longer
      `${token}=`,
      `${token}\u0000`, // the slot's zero padding is not a way in
      `${token}é`,
      'é'.repeat(token.length),
      token.repeat(20), // longer than any slot
      generateToken(),
    ]) {
      expect([candidate, accepts(policy, `Bearer ${candidate}`)]).toEqual([candidate, false]);
    }
    expect([accepts(policy), accepts(policy, token), accepts(policy, `Bearer ${token} x`)]).toEqual([
      false,
      false,
      false,
    ]);
    // Still right after refusals (the candidate's slot is reused).
    expect(accepts(policy, `Bearer ${token}`)).toBe(true);
  });

  it('compares a token longer than the usual room in full, and an open node asks for none', () => {
    const token = `${'x'.repeat(512)}${'='.repeat(100)}`;
    expect(tokenProblem(token)).toBeNull();
    const policy = new AccessPolicy({ kind: 'token', token }, () => new Set());
    expect(accepts(policy, `Bearer ${token}`)).toBe(true);
    expect(accepts(policy, `Bearer ${token.slice(0, 515)}`)).toBe(false);
    expect(accepts(policy, `Bearer ${token}=`)).toBe(false);
    const open = new AccessPolicy({ kind: 'open' }, () => new Set());
    expect([open.open, accepts(open), accepts(open, 'Bearer anything')]).toEqual([true, true, true]);
  });
});

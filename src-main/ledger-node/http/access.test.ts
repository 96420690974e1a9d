import { describe, expect, it } from 'vitest';
import { allowedHostHeaders, generateToken, parseAllowedHost, tokenProblem } from './access';

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
});

import { describe, expect, it } from 'vitest';
import { isLoopbackHost, nodeUrlProblem } from './node-url';

describe('node URL rule (#14)', () => {
  it('accepts https anywhere and plain http only to this computer', () => {
    for (const ok of [
      'https://ledger.hospital.example',
      'https://10.0.0.5:9984/bigchaindb',
      'http://127.0.0.1:9984',
      'http://127.1.2.3',
      'http://localhost:9984',
      'http://[::1]:9984',
      'http://0x7f.1:9984',
    ]) {
      expect(nodeUrlProblem(ok), ok).toBeNull();
    }
  });

  it('refuses plain http over the network, whatever the spelling', () => {
    for (const bad of [
      'http://ledger.hospital.example',
      'http://10.0.0.5:9984',
      'http://[fe80::1]',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
      'http://0.0.0.0:9984',
      'HTTP://NODE.EXAMPLE',
    ]) {
      expect(nodeUrlProblem(bad), bad).toMatch(
        /^must use https:\/\/ — plain http:\/\/ is allowed only for a node on this computer/,
      );
    }
  });

  it('names the other problems', () => {
    expect(nodeUrlProblem('ftp://node')).toBe('must be an http(s) URL');
    expect(nodeUrlProblem('not a url')).toBe('must be an http(s) URL');
    expect(nodeUrlProblem('https://u:p@node.example')).toMatch(/user name or password/);
    expect(nodeUrlProblem('https://node.example/?x=1')).toMatch(/query/);
    expect(nodeUrlProblem('https://node.example/#x')).toMatch(/fragment/);
  });

  it('knows loopback hosts as the URL parser writes them', () => {
    expect(isLoopbackHost(new URL('http://2130706433/').hostname)).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.example')).toBe(false);
  });
});

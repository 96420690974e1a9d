// The two builds' security headers: the workstation's are exactly what they were before the kiosk camera existed;
// the kiosk's differ in one thing only, the camera allowed to our own origin.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CONTENT_SECURITY_POLICY,
  CSP_PLACEHOLDER,
  KIOSK_SECURITY_HEADERS,
  META_CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
  securityHeaders,
  withMetaCsp,
} from './csp';

/** The CSP a page's <meta http-equiv> carries, as a directive → value map. */
function metaPolicy(html: string): Map<string, string> {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  if (!meta) throw new Error('no Content-Security-Policy meta element');
  return directives(meta[1]!);
}

function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1).join(' ')]),
  );
}

const WORKSTATION_PERMISSIONS_POLICY =
  'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=(), clipboard-read=()';

describe('security headers per build', () => {
  it('keeps the workstation headers as they were: every feature denied, the camera included', () => {
    expect(securityHeaders('workstation')).toBe(SECURITY_HEADERS);
    expect(SECURITY_HEADERS).toEqual({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': WORKSTATION_PERMISSIONS_POLICY,
      'Cache-Control': 'no-store',
    });
  });

  it('lets the kiosk page ask for the camera for itself only, and changes nothing else', () => {
    expect(securityHeaders('kiosk')).toBe(KIOSK_SECURITY_HEADERS);
    const { 'Permissions-Policy': kioskPolicy, ...kioskRest } = KIOSK_SECURITY_HEADERS;
    const { 'Permissions-Policy': _workstationPolicy, ...workstationRest } = SECURITY_HEADERS;
    expect(kioskRest).toEqual(workstationRest);
    expect(kioskPolicy).toBe(WORKSTATION_PERMISSIONS_POLICY.replace('camera=()', 'camera=(self)'));
    expect(kioskPolicy).toMatch(/microphone=\(\)/);
  });

  it('needs no CSP source for the camera: media, workers and connections stay closed in both builds', () => {
    for (const headers of [SECURITY_HEADERS, KIOSK_SECURITY_HEADERS]) {
      const csp = headers['Content-Security-Policy'];
      expect(csp).toBe(CONTENT_SECURITY_POLICY);
      for (const directive of ["media-src 'none'", "worker-src 'none'", "connect-src 'none'", "script-src 'self'"])
        expect(csp).toContain(directive);
      expect(csp).not.toMatch(/blob:|mediastream:|wasm-unsafe-eval/);
    }
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(SECURITY_HEADERS)).toBe(true);
    expect(Object.isFrozen(KIOSK_SECURITY_HEADERS)).toBe(true);
  });
});

describe('one policy for the page and the header (#14)', () => {
  const source = readFileSync(path.join(import.meta.dirname, '../../src-renderer/index.html'), 'utf8');

  it('the page built from src-renderer/index.html carries exactly the header policy (less frame-ancestors, which a meta cannot carry)', () => {
    const header = directives(CONTENT_SECURITY_POLICY);
    header.delete('frame-ancestors');
    expect(metaPolicy(withMetaCsp(source))).toEqual(header);
    expect(metaPolicy(withMetaCsp(source)).get('connect-src')).toBe("'none'");
    expect(META_CONTENT_SECURITY_POLICY).not.toMatch(/frame-ancestors/);
  });

  it('the source page holds no policy of its own, only the placeholder the build fills', () => {
    expect(source.split(CSP_PLACEHOLDER)).toHaveLength(2);
    expect(source).not.toMatch(/connect-src/);
    expect(() => withMetaCsp('<html><head></head></html>')).toThrow(/must contain %HEALTHCHAIN_CSP% exactly once/);
  });
});

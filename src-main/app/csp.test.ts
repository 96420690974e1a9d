// The two builds' security headers: the workstation's are exactly what they were before the kiosk camera existed;
// the kiosk's differ in one thing only, the camera allowed to our own origin.
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, KIOSK_SECURITY_HEADERS, SECURITY_HEADERS, securityHeaders } from './csp';

const WORKSTATION_PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=(), clipboard-read=()';

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
      for (const directive of ["media-src 'none'", "worker-src 'none'", "connect-src 'none'", "script-src 'self'"]) expect(csp).toContain(directive);
      expect(csp).not.toMatch(/blob:|mediastream:|wasm-unsafe-eval/);
    }
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(SECURITY_HEADERS)).toBe(true);
    expect(Object.isFrozen(KIOSK_SECURITY_HEADERS)).toBe(true);
  });
});

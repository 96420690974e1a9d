// The response headers every app:// page and asset carries. The renderer bundle is ours and static: scripts and
// styles come only from our origin, nothing is fetched from anywhere (all data arrives over IPC), no eval.
import type { Variant } from '../../src-shared/ipc';

// The kiosk's camera needs no CSP change: a <video> showing a getUserMedia stream (srcObject) loads no URL, so
// `media-src 'none'` still holds, and the QR decoder is plain script on the page (no worker, no wasm, no eval).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:", // the access card QR is a data: PNG
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "worker-src 'none'",
  "frame-src 'none'",
  "child-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The same policy for the <meta> element of src-renderer/index.html, written there at build time (electron.vite.config.ts
 * → withMetaCsp), so page and header can never disagree (#14: they once said connect-src 'self' and 'none').
 * frame-ancestors is left out: browsers ignore it in a meta element (the header carries it).
 */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors '))
  .join('; ');

export const CSP_PLACEHOLDER = '%HEALTHCHAIN_CSP%';

/** Writes the policy into the page's CSP meta element; fails the build if the page has no placeholder for it. */
export function withMetaCsp(html: string): string {
  const count = html.split(CSP_PLACEHOLDER).length - 1;
  if (count !== 1)
    throw new Error(
      `index.html must contain ${CSP_PLACEHOLDER} exactly once (in its Content-Security-Policy meta), found ${count}`,
    );
  return html.replace(CSP_PLACEHOLDER, META_CONTENT_SECURITY_POLICY);
}

const DENIED_FEATURES = ['microphone', 'geolocation', 'usb', 'serial', 'hid', 'payment', 'clipboard-read'].map(
  (feature) => `${feature}=()`,
);

/** The workstation's headers (and the default): every powerful feature denied, the camera included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': ['camera=()', ...DENIED_FEATURES].join(', '),
  // Health data must not linger in an HTTP cache.
  'Cache-Control': 'no-store',
});

/**
 * The kiosk's: the same, except that the camera may be asked for by our own page (no frame, no other origin) so a
 * patient can show the card's QR code. Whether it is granted is main's permission handler's call (guards.ts), which
 * also reads the kioskCamera setting: this header only stops Chromium refusing before main is asked.
 */
export const KIOSK_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...SECURITY_HEADERS,
  'Permissions-Policy': ['camera=(self)', ...DENIED_FEATURES].join(', '),
});

export function securityHeaders(variant: Variant): Readonly<Record<string, string>> {
  return variant === 'kiosk' ? KIOSK_SECURITY_HEADERS : SECURITY_HEADERS;
}

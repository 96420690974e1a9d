import { describe, it, expect, vi, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeSession, protocol } from '../../test/fakes/fake-electron';

vi.mock('electron', () => import('../../test/fakes/fake-electron'));

const { registerAppScheme, serveRendererOn } = await import('./protocol');
const { CONTENT_SECURITY_POLICY, KIOSK_SECURITY_HEADERS } = await import('./csp');

let dir: string;
let root: string;
const session = new FakeSession();
const fetchApp = (url: string, method = 'GET') => {
  const handler = session.protocolHandlers.get('app');
  if (!handler) throw new Error('app:// not handled');
  return handler(new Request(url, { method }));
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-protocol-'));
  root = path.join(dir, 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>HealthChain</title>');
  await writeFile(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the bundle');
  await symlink(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'link.js'));
  serveRendererOn(session as never, root);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('registers app as a standard, secure scheme', () => {
    registerAppScheme();
    expect(protocol.registered).toContainEqual(
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    );
  });

  it('serves the bundle with the strict CSP and security headers', async () => {
    const res = await fetchApp('app://healthchain/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('HealthChain');
    const js = await fetchApp('app://healthchain/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('serves the headers of the build it is given (the kiosk: camera for our own origin)', async () => {
    const kiosk = new FakeSession();
    serveRendererOn(kiosk as never, root, KIOSK_SECURITY_HEADERS);
    const res = await kiosk.protocolHandlers.get('app')!(new Request('app://healthchain/index.html'));
    expect(res.headers.get('permissions-policy')).toBe(KIOSK_SECURITY_HEADERS['Permissions-Policy']);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await fetchApp('app://healthchain/index.html')).headers.get('permissions-policy')).toMatch(
      /^camera=\(\), /,
    );
  });

  it('serves index.html for the root', async () => {
    expect((await fetchApp('app://healthchain/')).status).toBe(200);
  });

  for (const url of [
    'app://healthchain/../secret.txt',
    'app://healthchain/%2e%2e/secret.txt',
    'app://healthchain/assets/..%2f..%2fsecret.txt',
    'app://healthchain/assets/link.js',
    'app://healthchain/assets/missing.js',
    'app://other/index.html',
    'app://healthchain/assets',
  ]) {
    it(`never serves a file outside the bundle: ${url}`, async () => {
      const res = await fetchApp(url);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await res.text()).not.toContain('outside the bundle');
    });
  }

  it('refuses methods other than GET/HEAD', async () => {
    expect((await fetchApp('app://healthchain/index.html', 'POST')).status).toBe(405);
  });
});

describe('CSP', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  it('denies by default and allows scripts and styles only from our origin', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
  });
  it('never allows eval, inline script or remote hosts', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
  });
});

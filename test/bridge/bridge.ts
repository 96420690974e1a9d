// Test-only bridge: runs the app's real main-process core (src-main/app/core.ts: the same handler registry, vault,
// chart service and settings the Electron main process builds) in plain Node, serves the built renderer over
// http://127.0.0.1, and carries the IPC channels over HTTP and the events over Server-Sent Events.
//
// Electron's sender check (our window's main frame on app://) cannot exist here; it is replaced by a per-run secret
// token compiled into the injected client script, plus a Host/Origin check against DNS rebinding. Anything that can
// load the page on this machine can therefore call the bridge: it is for tests only, on throwaway data.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import keytar from 'keytar';
import type { Variant } from '../../src-shared/ipc';
import { createCore, type Core } from '../../src-main/app/core';
import { META_CONTENT_SECURITY_POLICY, SECURITY_HEADERS, securityHeaders } from '../../src-main/app/csp';
import { serveStaticPath } from '../../src-main/app/static-files';
import { generateToken } from '../../src-main/ledger-node/http/access';
import { startLedgerNode, type LedgerNode } from '../../src-main/ledger-node/node';
import { KeychainCardKey } from '../../src-main/vault';
import { SettingsService, UserSettingsStore, type PartialSettings } from '../../src-main/settings';
import { LinuxManagedSettingsReader } from '../../src-main/settings/managed';
import { startTamperProxy, type TamperProxy } from './tamper-proxy';

const root = path.resolve(import.meta.dirname, '../..');

export interface BridgeOptions {
  /** Ports to listen on (0 = any free port). */
  workstationPort?: number;
  kioskPort?: number;
  token?: string;
  rendererDir?: string;
  /** User settings of each build (e.g. a short kioskIdleSeconds for the idle sign-out test). */
  workstationSettings?: PartialSettings;
  kioskSettings?: PartialSettings;
  log?: (line: string) => void;
}

export interface Bridge {
  readonly workstationUrl: string;
  readonly kioskUrl: string;
  readonly token: string;
  readonly nodeUrl: string;
  readonly proxy: TamperProxy;
  readonly cores: Record<Variant, Core>;
  /** Where files "saved" through the app's save dialog land. */
  readonly savedDir: string;
  stop(): Promise<void>;
}

const quietLogger = { info: () => undefined, warn: (m: string) => console.warn(`[settings] ${m}`) };

async function settingsIn(dir: string, values: PartialSettings): Promise<SettingsService> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'settings.json'), JSON.stringify(values));
  return SettingsService.open({
    userStore: new UserSettingsStore(path.join(dir, 'settings.json'), quietLogger),
    // No managed policy on a test machine: point the Linux reader at a file that does not exist.
    managedReader: new LinuxManagedSettingsReader({
      path: path.join(dir, 'managed', 'managed-settings.json'),
      trustedUid: process.getuid?.() ?? 0,
    }),
    logger: quietLogger,
  });
}

async function bundleClient(variant: Variant, token: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(import.meta.dirname, 'client-entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    minify: false,
    define: { __BRIDGE_TOKEN__: JSON.stringify(token), __BRIDGE_VARIANT__: JSON.stringify(variant) },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function bridgeCsp(policy = SECURITY_HEADERS['Content-Security-Policy']!): string {
  // The app's own policy, except that the page must reach the bridge (same origin) for calls and events.
  return policy.replace("connect-src 'none'", "connect-src 'self'");
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function serveVariant(
  variant: Variant,
  core: Core,
  token: string,
  rendererDir: string,
  client: string,
  control: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>,
) {
  const sseClients = new Set<http.ServerResponse>();
  core.events.attach((name, payload) => {
    const data = `data: ${JSON.stringify({ name, payload })}\n\n`;
    for (const res of sseClients) res.write(data);
  });
  let origin = '';
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://bridge.invalid');
      if (req.headers.host !== origin.replace('http://', '')) return send(res, 421, { error: 'wrong host' });
      if (url.pathname.startsWith('/__bridge/')) {
        const given = req.headers['x-bridge-token'] ?? url.searchParams.get('token');
        if (given !== token)
          return send(res, 403, { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'Bad bridge token.' } });
        if (req.method === 'POST' && req.headers.origin !== undefined && req.headers.origin !== origin) {
          return send(res, 403, {
            ok: false,
            error: { code: 'FORBIDDEN_SENDER', message: 'Cross-origin call refused.' },
          });
        }
      }
      if (url.pathname === '/__bridge/client.js') {
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'content-type': 'text/javascript; charset=utf-8',
          'Content-Security-Policy': bridgeCsp(),
        });
        return res.end(client);
      }
      if (url.pathname.startsWith('/__bridge/ipc/') && req.method === 'POST') {
        const body = await readBody(req, 2_000_000);
        if (body === null)
          return send(res, 413, { ok: false, error: { code: 'INVALID_REQUEST', message: 'Request too large.' } });
        let payload: unknown;
        try {
          payload = body === '' ? {} : JSON.parse(body);
        } catch {
          return send(res, 200, {
            ok: false,
            error: { code: 'INVALID_REQUEST', message: 'The request body is not JSON.' },
          });
        }
        return send(
          res,
          200,
          await core.registry.dispatch(decodeURIComponent(url.pathname.slice('/__bridge/ipc/'.length)), payload),
        );
      }
      if (url.pathname === '/__bridge/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        sseClients.add(res);
        req.on('close', () => sseClients.delete(res));
        return;
      }
      if (url.pathname.startsWith('/__bridge/control/')) {
        if (await control(req, res)) return;
        return send(res, 404, { error: 'unknown control' });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
      const answer = await serveStaticPath(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
      let body = answer.body;
      if (answer.status === 200 && answer.headers['Content-Type']?.startsWith('text/html')) {
        // The client script must run before the renderer bundle (a classic script runs before deferred modules).
        body = Buffer.from(answer.body as Uint8Array)
          .toString('utf8')
          .replace('<script', '<script src="/__bridge/client.js?token=' + token + '"></script>\n    <script')
          // The page's meta policy is the app's (connect-src 'none'); the bridge page must reach the bridge, as above.
          .replace(`content="${META_CONTENT_SECURITY_POLICY}"`, `content="${bridgeCsp(META_CONTENT_SECURITY_POLICY)}"`);
      }
      // The build's own headers (the kiosk's allow its page to ask for the camera), with the bridge's CSP.
      res.writeHead(answer.status, {
        ...answer.headers,
        ...securityHeaders(variant),
        'Content-Security-Policy': bridgeCsp(),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch((error: unknown) => {
      console.error(`[bridge:${variant}]`, error);
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'bridge failure' } });
    });
  });
  return {
    server,
    setOrigin(o: string) {
      origin = o;
    },
    closeEvents() {
      for (const res of sseClients) res.end();
      sseClients.clear();
    },
  };
}

async function listen(server: http.Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const log = options.log ?? ((line: string) => console.log(line));
  const rendererDir = options.rendererDir ?? path.join(root, 'out', 'renderer');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`${rendererDir}/index.html not found: run "npm run build" before starting the bridge`);
  }
  const token = options.token ?? randomBytes(24).toString('hex');
  const work = await mkdtemp(path.join(tmpdir(), 'hc-bridge-'));
  const savedDir = path.join(work, 'saved');
  await mkdir(savedDir, { recursive: true });
  const keychainService = `HealthChain-e2e-${randomBytes(6).toString('hex')}`;
  // Both builds share one hospital card key, as a workstation and a kiosk of one hospital do (created with the first card).
  const cardKeyService = `${keychainService}-card-key`;
  // Hospital officers' keys (first run "set up this hospital", the IT screen) go to a service of this run, never the
  // real "HealthChain Authority" one.
  const officerService = `${keychainService}-officers`;
  const cards = { cardKey: new KeychainCardKey({ service: cardKeyService, mayCreate: () => true }) };

  let node: LedgerNode | null = null;
  let proxy: TamperProxy | null = null;
  const cores: Partial<Record<Variant, Core>> = {};
  const servers: ReturnType<typeof serveVariant>[] = [];
  const stop = async () => {
    for (const s of servers) {
      s.closeEvents();
      s.server.closeAllConnections();
      await new Promise<void>((resolve) => s.server.close(() => resolve()));
    }
    for (const core of Object.values(cores)) await core.stop().catch(() => undefined);
    await proxy?.stop();
    await node?.stop();
    for (const service of [keychainService, cardKeyService, officerService]) {
      for (const { account } of await keytar.findCredentials(service).catch(() => []))
        await keytar.deletePassword(service, account);
    }
    await rm(work, { recursive: true, force: true });
  };

  try {
    // The app's arrangement: a per-launch bearer token. The proxy passes Host through, so the node allows its host.
    proxy = await startTamperProxy(() => (node as LedgerNode).url);
    node = await startLedgerNode({
      dataDir: path.join(work, 'ledger'),
      port: 0,
      access: { kind: 'token', token: generateToken() },
      allowedHosts: [new URL(proxy.url).host],
    });
    const shell = {
      saveFile: async (name: string, content: string) => {
        const file = path.join(savedDir, path.basename(name));
        await writeFile(file, content, { mode: 0o600 });
        return file;
      },
      openExternal: async (url: string) => log(`[bridge] openExternal ${url}`),
    };
    // The verification workers run from the build (`npm run build` made it with the renderer), as in the app.
    const builtWorker = path.join(root, 'out', 'main', 'verify-worker.js');
    const verifyWorkerEntry = existsSync(builtWorker) ? pathToFileURL(builtWorker) : undefined;
    const common = {
      embeddedNodeUrl: proxy.url,
      embeddedNodeToken: node.token,
      appVersion: 'e2e',
      shell,
      nodeProbeIntervalMs: 2000,
      ...(verifyWorkerEntry ? { verifyWorkerEntry } : {}),
    };
    const workstationSettings = await settingsIn(path.join(work, 'workstation'), options.workstationSettings ?? {});
    cores.workstation = await createCore({
      ...common,
      variant: 'workstation',
      dataDir: path.join(work, 'workstation'),
      settings: workstationSettings,
      vault: { service: keychainService },
      officers: { service: officerService },
      cards,
    });
    const kioskSettings = await settingsIn(path.join(work, 'kiosk'), options.kioskSettings ?? {});
    cores.kiosk = await createCore({
      ...common,
      variant: 'kiosk',
      dataDir: path.join(work, 'kiosk'),
      settings: kioskSettings,
      cards,
    });
    const tamperProxy = proxy;
    const control = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
      const url = new URL(req.url ?? '/', 'http://bridge.invalid');
      // The node itself (not the proxy) and its token, for the test of what other pages can do to it (#14).
      if (url.pathname === '/__bridge/control/ledger' && req.method === 'GET') {
        const ledger = node as LedgerNode;
        send(res, 200, { nodeUrl: ledger.url, token: ledger.token });
        return true;
      }
      // The kiosk of the hospital set up on the workstation, as IT pins it there (#13: its Access tab needs the
      // authority's published emergency key).
      if (url.pathname === '/__bridge/control/kiosk-authority' && req.method === 'POST') {
        const body = JSON.parse((await readBody(req, 1000)) || '{}') as { authorityId?: unknown };
        if (typeof body.authorityId !== 'string') {
          send(res, 400, { error: 'authorityId must be a string' });
          return true;
        }
        await kioskSettings.pinAuthority(body.authorityId, { replace: true });
        send(res, 200, { pinned: body.authorityId });
        return true;
      }
      // Both apps back to "no hospital" (a spec that set one up leaves the specs after it the state they expect).
      if (url.pathname === '/__bridge/control/unpin-authority' && req.method === 'POST') {
        await workstationSettings.setUser({ hospitalAuthority: '' });
        await kioskSettings.setUser({ hospitalAuthority: '' });
        send(res, 200, { pinned: '' });
        return true;
      }
      if (url.pathname === '/__bridge/control/tamper' && req.method === 'POST') {
        const body = JSON.parse((await readBody(req, 1000)) || '{}') as { on?: unknown };
        tamperProxy.tampering = body.on === true;
        send(res, 200, { tampering: tamperProxy.tampering, altered: tamperProxy.altered });
        return true;
      }
      return false;
    };
    const urls: Partial<Record<Variant, string>> = {};
    for (const variant of ['workstation', 'kiosk'] as const) {
      const served = serveVariant(
        variant,
        cores[variant]!,
        token,
        rendererDir,
        await bundleClient(variant, token),
        control,
      );
      servers.push(served);
      const port = variant === 'workstation' ? (options.workstationPort ?? 0) : (options.kioskPort ?? 0);
      urls[variant] = await listen(served.server, port);
      served.setOrigin(urls[variant]!);
    }
    log(`[bridge] ledger node ${node.url} behind tamper proxy ${proxy.url}; keychain service ${keychainService}`);
    log(`[bridge] workstation ${urls.workstation}  kiosk ${urls.kiosk}`);
    return {
      workstationUrl: urls.workstation!,
      kioskUrl: urls.kiosk!,
      token,
      nodeUrl: proxy.url,
      proxy,
      cores: cores as Record<Variant, Core>,
      savedDir,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

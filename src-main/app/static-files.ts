// Resolves app:// request URLs to files of the built renderer (out/renderer), refusing anything outside it.
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from '../ipc/app-origin';
import { SECURITY_HEADERS } from './csp';

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

function answer(status: number, body: Uint8Array | string, contentType: string): StaticAnswer {
  return { status, headers: { ...SECURITY_HEADERS, 'Content-Type': contentType }, body };
}

/**
 * Maps `app://healthchain/<path>` to a file under `root`. Only GET of existing regular files inside root; `..`,
 * encoded separators, symlinks out of root, other hosts and query tricks all end in 4xx, never in a file elsewhere.
 */
export async function serveStatic(root: string, requestUrl: string, method = 'GET'): Promise<StaticAnswer> {
  if (method !== 'GET' && method !== 'HEAD') return answer(405, 'Method not allowed', 'text/plain; charset=utf-8');
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return answer(400, 'Bad request', 'text/plain; charset=utf-8');
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST)
    return answer(404, 'Not found', 'text/plain; charset=utf-8');
  return serveStaticPath(root, url.pathname);
}

/** The part shared with the test bridge (which serves the same bundle over http://127.0.0.1). */
export async function serveStaticPath(root: string, pathname: string): Promise<StaticAnswer> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return answer(400, 'Bad request', 'text/plain; charset=utf-8');
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return answer(400, 'Bad request', 'text/plain; charset=utf-8');
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const rootReal = await realpath(root);
  const candidate = path.resolve(rootReal, relative);
  if (candidate !== rootReal && !candidate.startsWith(rootReal + path.sep))
    return answer(404, 'Not found', 'text/plain; charset=utf-8');
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return answer(404, 'Not found', 'text/plain; charset=utf-8');
  }
  if (!real.startsWith(rootReal + path.sep)) return answer(404, 'Not found', 'text/plain; charset=utf-8');
  const type = MIME[path.extname(real).toLowerCase()];
  if (!type) return answer(404, 'Not found', 'text/plain; charset=utf-8');
  try {
    return answer(200, new Uint8Array(await readFile(real)), type);
  } catch {
    return answer(404, 'Not found', 'text/plain; charset=utf-8');
  }
}

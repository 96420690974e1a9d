// The renderer bundle is served from app://healthchain/ (a standard, secure scheme), never from file://: a file://
// page could read any local file it can name, and every file:// page would share one origin.
import { protocol, type Session } from 'electron';
import { SECURITY_HEADERS } from './csp';
import { APP_SCHEME } from '../ipc/app-origin';
import { serveStatic } from './static-files';

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: false,
        corsEnabled: false,
        stream: false,
        codeCache: true,
      },
    },
  ]);
}

/** `headers`: the build's security headers (csp.ts `securityHeaders(variant)`); they replace the defaults. */
export function serveRendererOn(
  session: Session,
  rendererRoot: string,
  headers: Readonly<Record<string, string>> = SECURITY_HEADERS,
): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const answer = await serveStatic(rendererRoot, request.url, request.method);
    const body =
      request.method === 'HEAD'
        ? null
        : new Blob([typeof answer.body === 'string' ? answer.body : new Uint8Array(answer.body)]);
    return new Response(body, { status: answer.status, headers: { ...answer.headers, ...headers } });
  });
}

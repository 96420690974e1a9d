// Responses as the reference (Werkzeug behind gunicorn) writes them: JSON bodies and upper-case reason phrases
// (the driver copies "<code> <reason>" into its errors, docs/PROTOCOL.md §5.0) — but without the reference's
// permissive flask-cors headers: no web page may read from or write to this node (issue #14, access.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';

const REASONS: Record<number, string> = {
  200: 'OK',
  202: 'ACCEPTED',
  204: 'NO CONTENT',
  400: 'BAD REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT FOUND',
  405: 'METHOD NOT ALLOWED',
  413: 'REQUEST ENTITY TOO LARGE',
  415: 'UNSUPPORTED MEDIA TYPE',
  421: 'MISDIRECTED REQUEST',
  426: 'UPGRADE REQUIRED',
  431: 'REQUEST HEADER FIELDS TOO LARGE',
  500: 'INTERNAL SERVER ERROR',
  503: 'SERVICE UNAVAILABLE',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'UNKNOWN';
}

export interface Reply {
  readonly status: number;
  /** Serialized JSON (as UTF-8 bytes when it was assembled from stored bytes). */
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify(value), headers };
}

/** The reference's application error shape `{"message": …, "status": …}`. */
export function errorReply(status: number, message: string): Reply {
  return jsonReply(status, { message, status });
}

export const notFound = (): Reply => errorReply(404, 'Not found');

export function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  const length = String(body.length);
  // Most answers add no header: then the flat [name, value, …] form, which Node writes in the same order as the
  // object's keys without enumerating an object first (a cold list is ~20,000 answers).
  const headers = reply.headers
    ? {
        'Content-Type': 'application/json',
        'Content-Length': length,
        'X-Content-Type-Options': 'nosniff',
        ...reply.headers,
      }
    : ['Content-Type', 'application/json', 'Content-Length', length, 'X-Content-Type-Options', 'nosniff'];
  res.writeHead(reply.status, reasonPhrase(reply.status), headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** A complete HTTP/1.1 error response for sockets the http parser gave up on or refused upgrades. */
export function rawErrorResponse(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): string {
  const body = JSON.stringify({ message, status });
  return (
    `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n` +
    'Content-Type: application/json\r\n' +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

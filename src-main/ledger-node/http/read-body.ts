// Reads a request body up to a cap. An oversized body is still drained (up to a hard bound) before the 413 is
// sent, so a client that writes its whole body before reading gets the answer instead of a reset connection.
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted'; drained: boolean };

// Past this many bytes an oversized upload is cut off (and the connection closed) instead of drained.
const DRAIN_LIMIT = 64 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > DRAIN_LIMIT) {
      req.resume();
      resolve({ ok: false, reason: 'too-large', drained: false });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (size > DRAIN_LIMIT) {
        req.pause();
        settle({ ok: false, reason: 'too-large', drained: false });
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () =>
      settle(
        tooLarge ? { ok: false, reason: 'too-large', drained: true } : { ok: true, body: Buffer.concat(chunks, size) },
      ),
    );
    req.on('error', () => settle({ ok: false, reason: 'aborted', drained: false }));
    req.on('aborted', () => settle({ ok: false, reason: 'aborted', drained: false }));
  });
}

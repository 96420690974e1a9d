// Request dispatch for the HTTP API. Every request gets a JSON answer: unknown paths 404, wrong methods 405,
// oversized bodies 413, malformed input 400; a 5xx only ever means the node itself failed (storage). Before any of
// that, access.ts decides whether the request may be served at all (Host, Origin, bearer token).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { checkJsonContentType, type AccessPolicy, type AccessRefusal } from './access';
import type { EventStream } from './event-stream';
import { readBody } from './read-body';
import { errorReply, jsonReply, rawErrorResponse, send, type Reply } from './reply';
import {
  apiV1Info,
  checkMode,
  getBlock,
  getTransaction,
  listBlocks,
  listOutputs,
  listTransactions,
  listValidators,
  postTransaction,
  rootInfo,
  textSearch,
  type RouteContext,
} from './routes';
import { STREAM_PATH } from './event-stream';

export interface HttpServerOptions {
  readonly maxBodyBytes: number;
  /** `host` is the request's Host header, already checked against the allow-list. */
  readonly context: (host: string) => RouteContext;
  readonly stream: EventStream;
  readonly access: AccessPolicy;
}

type Handler = (ctx: RouteContext, query: URLSearchParams, req: IncomingMessage) => Reply | Promise<Reply>;
interface Route {
  readonly methods: Partial<Record<'GET' | 'POST', Handler>>;
}

const METHOD_NOT_ALLOWED = 'The method is not allowed for the requested URL.';

/** The fixed paths' routes, made once per server: a request only looks its path up. */
function fixedRoutes(options: HttpServerOptions): Map<string, Route> {
  return new Map<string, Route>([
    ['', { methods: { GET: (ctx) => rootInfo(ctx) } }],
    ['api/v1', { methods: { GET: (ctx) => apiV1Info(ctx) } }],
    [
      'api/v1/transactions',
      {
        methods: {
          GET: (ctx, query) => listTransactions(ctx, query),
          POST: (ctx, query, req) => handlePost(ctx, query, req, options.maxBodyBytes),
        },
      },
    ],
    ['api/v1/outputs', { methods: { GET: (ctx, query) => listOutputs(ctx, query) } }],
    ['api/v1/assets', { methods: { GET: (ctx, query) => textSearch(ctx, 'assets', query) } }],
    ['api/v1/metadata', { methods: { GET: (ctx, query) => textSearch(ctx, 'metadata', query) } }],
    ['api/v1/blocks', { methods: { GET: (ctx, query) => listBlocks(ctx, query) } }],
    ['api/v1/validators', { methods: { GET: (ctx) => listValidators(ctx) } }],
    [STREAM_PATH.slice(1), { methods: { GET: () => errorReply(426, 'Use a WebSocket client for this URL.') } }],
  ]);
}

/** `path`: the segments joined by '/'. */
function resolveRoute(path: string, segments: string[], fixed: ReadonlyMap<string, Route>): Route | undefined {
  const route = fixed.get(path);
  if (route) return route;
  const [api, v1, collection, item, ...rest] = segments;
  if (api !== 'api' || v1 !== 'v1' || item === undefined || rest.length > 0) return undefined;
  if (collection === 'transactions') return { methods: { GET: (ctx) => getTransaction(ctx, item) } };
  // Werkzeug's int converter: digits only; anything else is no route at all (404).
  if (collection === 'blocks' && /^\d+$/.test(item)) return { methods: { GET: (ctx) => getBlock(ctx, item) } };
  return undefined;
}

async function handlePost(
  ctx: RouteContext,
  query: URLSearchParams,
  req: IncomingMessage,
  limit: number,
): Promise<Reply> {
  const wrongType = checkJsonContentType(req);
  if (wrongType) return refusalReply(wrongType);
  const read = await readBody(req, limit);
  if (!read.ok) {
    const reply = errorReply(413, `Request body is larger than the limit of ${limit} bytes.`);
    return read.drained ? reply : { ...reply, headers: { Connection: 'close' } };
  }
  const modeError = checkMode(query);
  if (modeError) return modeError;
  let body: unknown;
  try {
    body = JSON.parse(read.body.toString('utf8'));
  } catch (error) {
    return errorReply(400, `Failed to decode JSON object: ${error instanceof Error ? error.message : String(error)}`);
  }
  return postTransaction(ctx, query, body);
}

/** Splits the path into decoded segments, ignoring one trailing slash; undefined if it cannot be decoded. */
function pathSegments(rawPath: string): string[] | undefined {
  const trimmed = rawPath.replace(/^\/+/, '').replace(/\/$/, '');
  if (trimmed === '') return [];
  const raw = trimmed.split('/');
  // Without a '%' there is nothing to decode (decodeURIComponent would return each segment unchanged).
  if (!trimmed.includes('%')) return raw;
  try {
    return raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function refusalReply(refusal: AccessRefusal): Reply {
  return { ...errorReply(refusal.status, refusal.message), headers: refusal.headers };
}

// Served without the token: the discovery documents (`GET /`, `GET /api/v1`: version and links, no ledger data),
// for health checks and the app's node probe; and one transaction by its id, which is what the Verify panel's
// "open on the node" link shows in the user's browser. An id cannot be guessed and the document is the one every
// hospital node shows anyone; everything that could enumerate (search, outputs, blocks, lists, the stream) and
// every write needs the token.
const DISCOVERY = new Set(['', 'api/v1']);
const TX_ID = /^[0-9a-f]{64}$/;

/** `path`: the segments joined by '/'. */
function servedWithoutToken(path: string, segments: readonly string[], method: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (DISCOVERY.has(path)) return true;
  const [api, v1, collection, id, ...rest] = segments;
  return (
    api === 'api' &&
    v1 === 'v1' &&
    collection === 'transactions' &&
    id !== undefined &&
    TX_ID.test(id) &&
    rest.length === 0
  );
}

async function dispatch(
  req: IncomingMessage,
  options: HttpServerOptions,
  fixed: ReadonlyMap<string, Route>,
): Promise<Reply> {
  const host = options.access.checkHost(req);
  if (typeof host !== 'string') return refusalReply(host);
  const foreignOrigin = options.access.checkOrigin(req, host);
  if (foreignOrigin) return refusalReply(foreignOrigin);
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1));
  const segments = pathSegments(rawPath);
  const path = segments?.join('/');
  if (!segments || !servedWithoutToken(path as string, segments, req.method)) {
    const unauthorized = options.access.checkToken(req);
    if (unauthorized) return refusalReply(unauthorized);
  }
  const route = segments && resolveRoute(path as string, segments, fixed);
  if (!route) return errorReply(404, 'Not found');

  const allowed = () => [...Object.keys(route.methods), 'HEAD', 'OPTIONS'].join(', ');
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (method === 'OPTIONS') {
    // What the route allows, and nothing a browser would take as a CORS grant: a preflight from a page fails.
    return jsonReply(200, {}, { Allow: allowed() });
  }
  const handler = route.methods[method as 'GET' | 'POST'];
  if (!handler) return jsonReply(405, { message: METHOD_NOT_ALLOWED }, { Allow: allowed() });
  return handler(options.context(host), query, req);
}

export function createLedgerHttpServer(options: HttpServerOptions): Server {
  const fixed = fixedRoutes(options);
  const server = createServer({ keepAlive: true }, (req: IncomingMessage, res: ServerResponse) => {
    dispatch(req, options, fixed).then(
      (reply) => {
        // A body we did not read (e.g. a POST to a GET route) must not be taken for the next request.
        if (!req.complete) req.resume();
        send(req, res, reply);
      },
      (error: unknown) => {
        req.resume();
        send(req, res, errorReply(500, `internal error: ${error instanceof Error ? error.message : String(error)}`));
      },
    );
  });
  server.keepAliveTimeout = 30_000;
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // The stream is ledger data too: the same checks as a GET, with no discovery exemption.
    const host = options.access.checkHost(req);
    const refusal =
      typeof host === 'string' ? (options.access.checkOrigin(req, host) ?? options.access.checkToken(req)) : host;
    if (refusal) {
      socket.end(rawErrorResponse(refusal.status, refusal.message, refusal.headers));
      return;
    }
    options.stream.handleUpgrade(req, socket, head);
  });
  // Malformed HTTP (bad request line, oversized headers…): answer with JSON instead of a bare reset.
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    socket.end(rawErrorResponse(status, `Malformed HTTP request: ${error.message}`));
  });
  return server;
}

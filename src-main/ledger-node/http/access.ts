// Who may talk to the node (issue #14). A web page in any browser on the machine can reach 127.0.0.1, so the node
// (1) answers only to Host names it was told about — a DNS-rebinding page reaches us under its own name and is
// refused; (2) refuses requests that carry a browser Origin other than its own; (3) takes POST bodies only as
// application/json, which no page can send cross-origin without a preflight, and answers no preflight with CORS
// headers; and (4) unless started open, serves ledger data and takes writes only with the per-launch bearer token
// that the app hands its embedded node (and `npm run ledger` prints), so no other local process can use it either.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** `token`: every request for ledger data needs `Authorization: Bearer <token>`. `open`: no token (driver suites, a LAN node). */
export type LedgerAccess = { readonly kind: 'token'; readonly token: string } | { readonly kind: 'open' };

export interface AccessRefusal {
  readonly status: 400 | 401 | 403 | 415 | 421;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

// RFC 6750 token68 characters; long enough that guessing is out of the question.
const TOKEN = /^[A-Za-z0-9\-._~+/]{32,512}=*$/;
/** Room every comparison slot has: 512 token68 characters and the '=' padding base64 ends with. */
const TOKEN_ROOM = 515;
const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Why `token` cannot be used as a bearer token, or null. */
export function tokenProblem(token: string): string | null {
  return TOKEN.test(token)
    ? null
    : 'a token must be 32 to 512 characters from A-Z a-z 0-9 - . _ ~ + / (optionally ending in =)';
}

/**
 * Normalises an `--allow-host` entry: a DNS name or IP address, with or without `:port`. Returns the lower-case
 * `name` and `port` (null: any request to our port, or a proxy on the default port), or an error message.
 */
export function parseAllowedHost(entry: string): { name: string; port: number | null } | string {
  const lower = entry.trim().toLowerCase();
  const withPort = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(lower);
  let name = withPort ? (withPort[1] as string) : lower;
  const port = withPort ? Number(withPort[2]) : null;
  if (!name.startsWith('[') && name.includes(':')) name = `[${name}]`; // a bare IPv6 address
  if (port !== null && port > 65535) return `"${entry}": port out of range`;
  if (!HOST_NAME.test(name) && !IPV6.test(name))
    return `"${entry}" is not a host name, an IP address or one of those with :port`;
  return { name, port };
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The Host header values the node answers to: the loopback names with its port, the address it listens on, and
 * the configured names (with its port; without a port also bare, for a reverse proxy on the default port). A
 * wildcard listen address (0.0.0.0) is no name an attacker controls, so it may stay on the list.
 */
export function allowedHostHeaders(port: number, listenHost: string, configured: readonly string[]): Set<string> {
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  allowed.add(`${bracketed(listenHost.toLowerCase())}:${port}`);
  for (const entry of configured) {
    const parsed = parseAllowedHost(entry);
    if (typeof parsed === 'string') throw new Error(`--allow-host ${parsed}`);
    if (parsed.port !== null) allowed.add(`${parsed.name}:${parsed.port}`);
    else allowed.add(`${parsed.name}:${port}`).add(parsed.name);
  }
  return allowed;
}

export class AccessPolicy {
  // Compared as fixed-size slots (writeSlot): the same bytes whatever the caller sent, so timingSafeEqual applies.
  private readonly expected: Buffer | null;
  private readonly candidate: Buffer;

  constructor(
    access: LedgerAccess,
    private readonly hosts: () => ReadonlySet<string>,
  ) {
    if (access.kind === 'token') {
      const problem = tokenProblem(access.token);
      if (problem) throw new Error(`ledger node: ${problem}`);
      this.expected = Buffer.alloc(4 + Math.max(TOKEN_ROOM, Buffer.byteLength(access.token, 'utf8')));
      writeSlot(this.expected, access.token);
    } else {
      this.expected = null;
    }
    this.candidate = Buffer.alloc(this.expected?.length ?? 0);
  }

  get open(): boolean {
    return this.expected === null;
  }

  /** The request's Host header if it is one we answer to (so it may go into the advertised URLs), else a refusal. */
  checkHost(req: IncomingMessage): string | AccessRefusal {
    const host = req.headers.host?.toLowerCase();
    if (!host) return { status: 400, message: 'The request has no Host header.' };
    if (!this.hosts().has(host)) {
      return {
        status: 421,
        message:
          `This node does not answer to the host name in the request. It answers to ${[...this.hosts()].join(', ')}; ` +
          'a node started with `npm run ledger` takes more names with --allow-host.',
      };
    }
    return host;
  }

  /** Browsers name the page's origin; only the node's own origin (it serves no pages) is let through. */
  checkOrigin(req: IncomingMessage, host: string): AccessRefusal | null {
    const origin = req.headers.origin;
    if (origin === undefined) return null;
    if (origin.toLowerCase() === `http://${host}` || origin.toLowerCase() === `https://${host}`) return null;
    return {
      status: 403,
      message: 'Requests from web pages are refused: this node serves applications, not browsers.',
    };
  }

  checkToken(req: IncomingMessage): AccessRefusal | null {
    if (!this.expected) return null;
    const header = req.headers.authorization;
    const challenge = { 'WWW-Authenticate': 'Bearer realm="HealthChain ledger node"' };
    const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
    if (!match) {
      return {
        status: 401,
        message: 'This node needs "Authorization: Bearer <token>" (the token it was started with).',
        headers: challenge,
      };
    }
    if (!writeSlot(this.candidate, match[1] as string) || !timingSafeEqual(this.candidate, this.expected)) {
      return {
        status: 401,
        message: "The bearer token is not this node's token.",
        headers: { ...challenge, 'WWW-Authenticate': `${challenge['WWW-Authenticate']}, error="invalid_token"` },
      };
    }
    return null;
  }
}

/** POST bodies must say they are JSON: a page can send text/plain or a form cross-origin without asking first. */
export function checkJsonContentType(req: IncomingMessage): AccessRefusal | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return null;
  return {
    status: 415,
    message: `Transactions must be sent with "Content-Type: application/json"${req.headers['content-type'] ? '' : ' (the request has no Content-Type)'}.`,
  };
}

/**
 * Writes `token` into `slot` as it is compared: its length in bytes, then its UTF-8 bytes, zero-padded to the slot's
 * end, so the node's token and whatever a caller sent compare over the same bytes in constant time. False (the slot
 * untouched) for a text longer than the slot holds, which no token of this node is. Hashing both sides (SHA-256)
 * gave equal lengths too, at ~2 µs of CPU a request against ~0.5 µs.
 */
function writeSlot(slot: Buffer, token: string): boolean {
  const length = Buffer.byteLength(token, 'utf8');
  if (length > slot.length - 4) return false;
  slot.fill(0);
  slot.writeUInt32BE(length, 0);
  slot.write(token, 4, 'utf8');
  return true;
}

// The one rule for a ledger node URL, shared by the settings service (user file, IT policy), the IPC contract and
// the renderer's form. Every write goes to these URLs, so plain http is accepted only where no network is crossed:
// a node on this computer (the embedded node, `npm run ledger`, a local docker node).

// The WHATWG URL parser exists wherever src-shared runs (Node, Chromium); the ES2022 lib does not declare it.
interface ParsedUrl {
  protocol: string;
  hostname: string;
  username: string;
  password: string;
  search: string;
  hash: string;
}
declare const URL: new (input: string) => ParsedUrl;

/** True for a URL host that can only mean this computer: localhost, 127.0.0.0/8, [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  // WHATWG URL parsing has already normalised IPv4 spellings (0x7f.1, 2130706433 → 127.0.0.1) and lower-cased names.
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export const NODE_URL_EXAMPLE = 'https://node1.hospital.example:9984';

/** Why `value` cannot be a node root URL, or null when it can. */
export function nodeUrlProblem(value: string): string | null {
  let url: ParsedUrl;
  try {
    url = new URL(value);
  } catch {
    return 'must be an http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.hostname === '') return `must name a host, e.g. ${NODE_URL_EXAMPLE}`;
  // Credentials would sit in clear in settings files; a query or fragment has no meaning for a node root.
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (url.search !== '' || url.hash !== '') return 'must not contain a query (?…) or fragment (#…)';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `must use https:// — plain http:// is allowed only for a node on this computer (localhost, 127.0.0.1, [::1]); e.g. ${NODE_URL_EXAMPLE}`;
  }
  return null;
}

// shell.openExternal is a door out of the sandbox: only a transaction's page on a node IT configured (or the embedded
// node) may go through it. Callers pass those URLs only, never a user-typed one (#14: the renderer can set user node
// URLs, so trusting them would let it open any http(s) page whose path looks like a transaction).
import { HEX64_SOURCE } from '../../src-shared/ledger/patterns';

const TX_PATH = new RegExp(`^/api/v1/transactions/${HEX64_SOURCE}$`);

function base(url: string): URL | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

/**
 * True when `url` is exactly `<one of nodeUrls>/api/v1/transactions/<64 hex>`: http(s), no credentials, no query or
 * fragment, the same origin and path prefix as a configured node.
 */
export function isVettedTransactionUrl(url: string, nodeUrls: readonly string[]): boolean {
  const target = base(url);
  if (!target || target.username || target.password || target.search || target.hash) return false;
  if (url !== target.href) return false; // refuse anything the URL parser had to normalise (e.g. backslashes, case)
  for (const node of nodeUrls) {
    const n = base(node);
    if (!n || n.origin !== target.origin) continue;
    const prefix = n.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    if (!target.pathname.startsWith(prefix)) continue;
    if (TX_PATH.test(target.pathname.slice(prefix.length))) return true;
  }
  return false;
}

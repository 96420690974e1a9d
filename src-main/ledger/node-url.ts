// Node URLs as configured ('http://host:9984', with or without '/api/v1') to the forms the driver and links need.

/** 'http://host:9984/api/v1/x' → 'http://host:9984' (origin plus any path prefix before /api/v1). */
export function nodeBase(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TypeError(`"${url}" is not an http(s) URL`);
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${parsed.origin}${path}`;
}

/** The driver's endpoint form: must end with '/api/v1/'. */
export function apiEndpoint(url: string): string {
  return `${nodeBase(url)}/api/v1/`;
}

/** Where anyone can look a transaction up on that node. */
export function transactionLink(nodeUrl: string, txId: string): string {
  return `${nodeBase(nodeUrl)}/api/v1/transactions/${txId}`;
}

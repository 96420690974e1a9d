// Talks to BigchainDB nodes over their HTTP API v1, failing over between the configured URLs in order and
// remembering the one that answered. Every failure names the node and, for a rejection, carries the node's own
// words. (http-transport.ts says why this is not bigchaindb-driver's transport; the tests use the driver as the
// reference client against the same node.)
import { STATUS_CODES } from 'node:http';
import { NodeAnswerError, NodeRejectedError, NodeUnreachableError } from './errors';
import { HttpTransport } from './http-transport';
import { nodeBase } from './node-url';
import { HEX64 } from '../../src-shared/ledger/patterns';

export interface NodeClientOptions {
  /** Node URLs in order of preference; a function so managed settings changes apply without a restart. */
  nodeUrls: readonly string[] | (() => readonly string[]);
  /** Budget for one read on one node before failing over (ms). */
  readTimeoutMs?: number;
  /** Budget for one commit-mode POST on one node (ms). */
  postTimeoutMs?: number;
  /**
   * After every node failed, calls fail at once for this long (ms) instead of waiting on dead nodes again: the UI
   * stays responsive offline, and the outbox's background retries probe the nodes once it has passed.
   */
  quarantineMs?: number;
  /**
   * The bearer token for a node (base URL, as nodeUrls gives it), or null: the embedded node's per-launch token is
   * sent to that node only, never to a configured one.
   */
  bearerTokenFor?: (base: string) => string | null;
}

export interface Answer<T> {
  value: T;
  /** Base URL of the node that answered ('http://host:9984'). */
  nodeUrl: string;
}

/** An answer together with its text, for verification workers (they parse text rather than receive objects). */
export interface TextAnswer<T> extends Answer<T> {
  json: string;
}

/** A GET that reached a node: its status and body. Non-2xx answers other than 5xx are the caller's to judge. */
interface Got {
  status: number;
  text: string;
  url: string;
}

export type PostOutcome = 'committed' | 'duplicate' | 'accepted';

export interface MetadataHit {
  id: string;
  metadata: unknown;
}

export interface OutputRef {
  transaction_id: string;
  output_index: number;
}

export class LedgerNodeClient {
  private preferred = 0;
  private readonly urls: () => readonly string[];
  private readonly readTimeoutMs: number;
  private readonly postTimeoutMs: number;
  private readonly quarantineMs: number;
  private downUntil = 0;
  private lastFailure: NodeUnreachableError | null = null;
  private readonly transport = new HttpTransport();
  private readonly bearerTokenFor: (base: string) => string | null;
  /** The configured URLs last seen and their bases (nodeUrls). */
  private bases: { from: readonly string[]; to: string[] } | null = null;

  constructor(options: NodeClientOptions) {
    const { nodeUrls } = options;
    this.urls = typeof nodeUrls === 'function' ? nodeUrls : () => nodeUrls;
    this.readTimeoutMs = options.readTimeoutMs ?? 4000;
    this.postTimeoutMs = options.postTimeoutMs ?? 15000;
    this.quarantineMs = options.quarantineMs ?? 5000;
    this.bearerTokenFor = options.bearerTokenFor ?? (() => null);
  }

  /** The headers that authorise a request to `base` (empty for a node that has no token of ours). */
  authorization(base: string): Record<string, string> {
    const token = this.bearerTokenFor(base);
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  get nodeUrls(): string[] {
    // Asked several times per request (failover, the answering node's name): the URLs are parsed again only when
    // the configured list changed, not on every call (URL parsing was a visible part of a cold list's main thread).
    const urls = this.urls();
    if (!this.bases || !sameList(urls, this.bases.from)) this.bases = { from: [...urls], to: urls.map(nodeBase) };
    return [...this.bases.to];
  }

  /** The node tried first (the last one that answered). */
  get currentNodeUrl(): string | null {
    const urls = this.nodeUrls;
    return urls.length ? (urls[this.preferred % urls.length] ?? null) : null;
  }

  async getTransaction(id: string): Promise<Answer<unknown | null>> {
    if (!HEX64.test(id)) throw new TypeError(`"${id}" is not a transaction id`);
    return this.read(`transactions/${id}`, (got, base) => (got.status === 404 ? null : parseJson(got, base)));
  }

  /** Every committed transaction of an asset, in commit order (CREATE first), with the answer's text. */
  async listTransactions(assetId: string): Promise<TextAnswer<unknown[]>> {
    if (!HEX64.test(assetId)) throw new TypeError(`"${assetId}" is not an asset id`);
    let json = '';
    const answer = await this.read(`transactions?asset_id=${assetId}`, (got, base) => {
      json = got.text;
      return listAnswer(got, base, 'transactions');
    });
    return { ...answer, json };
  }

  /** The asset's latest transaction as the node sees it (a list of one, or empty): a cheap "has it changed?". */
  async lastTransaction(assetId: string): Promise<Answer<unknown[]>> {
    if (!HEX64.test(assetId)) throw new TypeError(`"${assetId}" is not an asset id`);
    return this.read(`transactions?asset_id=${assetId}&last_tx=true`, (got, base) =>
      listAnswer(got, base, 'transactions'),
    );
  }

  /**
   * The asset's latest transaction as one named node (`base`, from nodeUrls) sees it, without failing over: a second
   * opinion on a chart's newest version (fresh heads, docs/AUTHORITY.md). Throws NodeUnreachableError naming that node.
   */
  async lastTransactionOn(base: string, assetId: string): Promise<unknown[]> {
    if (!HEX64.test(assetId)) throw new TypeError(`"${assetId}" is not an asset id`);
    const url = `${base}/api/v1/transactions?asset_id=${assetId}&last_tx=true`;
    let got: Got;
    try {
      got = { ...(await this.transport.get(url, this.readTimeoutMs, this.authorization(base))), url };
    } catch (error) {
      throw new NodeUnreachableError([{ nodeUrl: base, error: describe(error) }]);
    }
    if (got.status >= 500 || ACCESS_REFUSED.has(got.status))
      throw new NodeUnreachableError([{ nodeUrl: base, error: answered(got.status, url) }]);
    return listAnswer(got, base, 'transactions');
  }

  /** Metadata text search; limit 0 = no limit. */
  async searchMetadata(text: string, limit = 0): Promise<Answer<MetadataHit[]>> {
    return this.read(`metadata?${searchQuery(text, limit)}`, (got, base) => {
      const hits = listAnswer(got, base, 'metadata');
      for (const hit of hits) {
        if (typeof hit !== 'object' || hit === null || typeof (hit as MetadataHit).id !== 'string') {
          throw new NodeAnswerError(base, 'a metadata search hit has no id');
        }
      }
      return hits as MetadataHit[];
    });
  }

  async searchAssets(text: string, limit = 0): Promise<Answer<{ id: string; data: unknown }[]>> {
    return this.read(
      `assets?${searchQuery(text, limit)}`,
      (got, base) => listAnswer(got, base, 'assets') as { id: string; data: unknown }[],
    );
  }

  async listOutputs(publicKey: string, { spent }: { spent?: boolean } = {}): Promise<Answer<OutputRef[]>> {
    const query = new URLSearchParams({ public_key: publicKey });
    if (spent !== undefined) query.set('spent', String(spent));
    return this.read(`outputs?${query}`, (got, base) => {
      const outputs = listAnswer(got, base, 'outputs');
      for (const o of outputs) {
        const ref = o as Partial<OutputRef> | null;
        if (
          typeof ref?.transaction_id !== 'string' ||
          !HEX64.test(ref.transaction_id) ||
          !Number.isInteger(ref.output_index)
        ) {
          throw new NodeAnswerError(base, 'an outputs entry is not a transaction id and output index');
        }
      }
      return outputs as OutputRef[];
    });
  }

  /**
   * Heights of the blocks holding a committed transaction (`GET /api/v1/blocks?transaction_id=`): one height, or
   * none while it is not committed. A node answers for itself: callers that need a trusted position say so.
   */
  async blockHeights(txId: string): Promise<Answer<number[]>> {
    if (!HEX64.test(txId)) throw new TypeError(`"${txId}" is not a transaction id`);
    return this.read(`blocks?transaction_id=${txId}`, (got, base) => {
      const heights = listAnswer(got, base, 'blocks');
      if (!heights.every((h) => Number.isSafeInteger(h) && (h as number) >= 0))
        throw new NodeAnswerError(base, 'a block height is not a whole number');
      return heights as number[];
    });
  }

  /**
   * The ids of the transactions in the block at `height` (`GET /api/v1/blocks/<height>`), in block order; null when
   * the node has no block that high yet (404: above its latest height). A node answers for itself, as blockHeights.
   */
  async blockTransactionIds(height: number): Promise<Answer<string[] | null>> {
    if (!Number.isSafeInteger(height) || height < 0) throw new TypeError(`${height} is not a block height`);
    return this.read(`blocks/${height}`, (got, base) => {
      if (got.status === 404) return null;
      if (got.status < 200 || got.status > 299) throw new NodeAnswerError(base, answered(got.status, got.url));
      const block = parseJson(got, base) as { height?: unknown; transactions?: unknown } | null;
      if (block?.height !== height || !Array.isArray(block.transactions))
        throw new NodeAnswerError(base, `the answer to ${got.url} is not block ${height}`);
      return block.transactions.map((tx) => {
        const id = (tx as { id?: unknown } | null)?.id;
        if (typeof id !== 'string' || !HEX64.test(id))
          throw new NodeAnswerError(base, `block ${height} holds a transaction without a valid id`);
        return id;
      });
    });
  }

  /** Stops reusing connections (call on shutdown). */
  close(): void {
    this.transport.close();
  }

  /**
   * Posts a signed transaction in commit mode (or sync). Resolves 'committed' when the node stored it, 'duplicate'
   * when it already had it (which counts as committed), 'accepted' for a sync-mode acceptance. Throws
   * NodeRejectedError with the node's own message, or NodeUnreachableError when no node answered.
   */
  async post(tx: { id: string }, mode: 'commit' | 'sync' = 'commit'): Promise<Answer<PostOutcome>> {
    const body = JSON.stringify(tx);
    return this.withFailover(async (base) => {
      const url = `${base}/api/v1/transactions?mode=${mode}`;
      const got = { ...(await this.transport.post(url, body, this.postTimeoutMs, this.authorization(base))), url };
      if (got.status >= 500 || ACCESS_REFUSED.has(got.status)) throw new ServerError(got.status, url);
      if (got.status === 202) {
        if ((parseJson(got, base) as { id?: unknown } | null)?.id !== tx.id)
          throw new NodeAnswerError(base, 'the node echoed a different transaction');
        return mode === 'commit' ? 'committed' : 'accepted';
      }
      // Refused. If the node holds the transaction already, it is a duplicate, which counts as committed.
      const stored = await this.transport.get(
        `${base}/api/v1/transactions/${tx.id}`,
        this.readTimeoutMs,
        this.authorization(base),
      );
      if (stored.status === 200 && (JSON.parse(stored.text) as { id?: unknown } | null)?.id === tx.id)
        return 'duplicate';
      throw new NodeRejectedError(base, got.status, reasonOf(got.text, got.status));
    });
  }

  /** GETs `path` under /api/v1/ from the preferred node, failing over on network errors and 5xx answers. */
  private read<T>(path: string, interpret: (got: Got, base: string) => T): Promise<Answer<T>> {
    return this.withFailover(async (base) => {
      const url = `${base}/api/v1/${path}`;
      const { status, text } = await this.transport.get(url, this.readTimeoutMs, this.authorization(base));
      if (status >= 500 || ACCESS_REFUSED.has(status)) throw new ServerError(status, url);
      return interpret({ status, text, url }, base);
    });
  }

  /** Runs `op` on the preferred node, then the others; network failures and 5xx answers fail over. */
  private async withFailover<T>(op: (base: string) => Promise<T>): Promise<Answer<T>> {
    if (this.lastFailure && Date.now() < this.downUntil) throw this.lastFailure;
    const urls = this.nodeUrls;
    const attempts: { nodeUrl: string; error: string }[] = [];
    for (let i = 0; i < urls.length; i++) {
      const index = (this.preferred + i) % urls.length;
      const base = urls[index]!;
      try {
        const value = await op(base);
        this.preferred = index;
        this.downUntil = 0;
        this.lastFailure = null;
        return { value, nodeUrl: base };
      } catch (error) {
        if (error instanceof NodeRejectedError || error instanceof NodeAnswerError) throw error;
        attempts.push({ nodeUrl: base, error: describe(error) });
      }
    }
    this.lastFailure = new NodeUnreachableError(attempts);
    this.downUntil = Date.now() + this.quarantineMs;
    throw this.lastFailure;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/**
 * The node refused us, not the request (no or wrong token, a Host it does not answer to): like a node that is
 * down, it is failed over and retried later — never taken as a rejection that would drop an outbox entry.
 */
const ACCESS_REFUSED = new Set([401, 403, 421]);

/** A 5xx answer or an access refusal: that node is in trouble, the next one may not be. */
class ServerError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(answered(status, url));
  }
}

/** "answered 404 Not Found to <url>" (the status text only where Node knows one). */
function answered(status: number, url: string): string {
  return `answered ${status} ${STATUS_CODES[status] ?? ''} to ${url}`.replace('  ', ' ');
}

/** A 2xx answer holding a JSON list; anything else is named as the node's fault. */
function listAnswer(got: Got, base: string, what: string): unknown[] {
  if (got.status < 200 || got.status > 299) throw new NodeAnswerError(base, answered(got.status, got.url));
  const value = parseJson(got, base);
  if (!Array.isArray(value)) throw new NodeAnswerError(base, `the ${what} answer is not a list`);
  return value;
}

function parseJson(got: Got, base: string): unknown {
  try {
    return JSON.parse(got.text) as unknown;
  } catch {
    throw new NodeAnswerError(base, `the answer to ${got.url} is not JSON`);
  }
}

function searchQuery(text: string, limit: number): string {
  const query = new URLSearchParams({ search: text });
  if (limit > 0) query.set('limit', String(limit));
  return query.toString();
}

function reasonOf(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
    if (parsed.message !== undefined) return JSON.stringify(parsed.message);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body.trim().slice(0, 500) || `HTTP ${status}`;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error)
    return String((error as { message: unknown }).message);
  return String(error);
}

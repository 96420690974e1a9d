// Talks to BigchainDB nodes through the official driver, failing over between the configured URLs.
//
// A fresh driver Connection is made per call: the driver's retry budget is per Connection and is used up for good
// by earlier failures (SPEC §5.14), so a long-lived one would slowly stop working after the node was down once.
// The driver hides error bodies; on a rejected POST this client reads the node's reason itself (see `post`).
import { Connection, isDriverResponseError, statusCode } from './driver';
import { NodeAnswerError, NodeRejectedError, NodeUnreachableError } from './errors';
import { apiEndpoint, nodeBase } from './node-url';

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
}

export interface Answer<T> {
  value: T;
  /** Base URL of the node that answered ('http://host:9984'). */
  nodeUrl: string;
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

const HEX64 = /^[0-9a-f]{64}$/;

export class LedgerNodeClient {
  private preferred = 0;
  private readonly urls: () => readonly string[];
  private readonly readTimeoutMs: number;
  private readonly postTimeoutMs: number;
  private readonly quarantineMs: number;
  private downUntil = 0;
  private lastFailure: NodeUnreachableError | null = null;

  constructor(options: NodeClientOptions) {
    const { nodeUrls } = options;
    this.urls = typeof nodeUrls === 'function' ? nodeUrls : () => nodeUrls;
    this.readTimeoutMs = options.readTimeoutMs ?? 4000;
    this.postTimeoutMs = options.postTimeoutMs ?? 15000;
    this.quarantineMs = options.quarantineMs ?? 5000;
  }

  get nodeUrls(): string[] {
    return this.urls().map(nodeBase);
  }

  /** The node tried first (the last one that answered). */
  get currentNodeUrl(): string | null {
    const urls = this.nodeUrls;
    return urls.length ? (urls[this.preferred % urls.length] ?? null) : null;
  }

  async getTransaction(id: string): Promise<Answer<unknown | null>> {
    if (!HEX64.test(id)) throw new TypeError(`"${id}" is not a transaction id`);
    return this.read(async (conn) => {
      try {
        return await conn.getTransaction(id);
      } catch (error) {
        if (isDriverResponseError(error) && statusCode(error) === 404) return null;
        throw error;
      }
    });
  }

  /** Every committed transaction of an asset, in commit order (CREATE first). */
  async listTransactions(assetId: string): Promise<Answer<unknown[]>> {
    if (!HEX64.test(assetId)) throw new TypeError(`"${assetId}" is not an asset id`);
    return this.read(async (conn, base) => expectArray(await conn.listTransactions(assetId), base, 'transactions'));
  }

  /** Metadata text search; limit 0 = no limit. */
  async searchMetadata(text: string, limit = 0): Promise<Answer<MetadataHit[]>> {
    return this.read(async (conn, base) => {
      const hits = expectArray(await conn.searchMetadata(text, limit), base, 'metadata');
      for (const hit of hits) {
        if (typeof hit !== 'object' || hit === null || typeof (hit as MetadataHit).id !== 'string') {
          throw new NodeAnswerError(base, 'a metadata search hit has no id');
        }
      }
      return hits as MetadataHit[];
    });
  }

  async searchAssets(text: string, limit = 0): Promise<Answer<{ id: string; data: unknown }[]>> {
    return this.read(async (conn, base) => expectArray(await conn.searchAssets(text, limit), base, 'assets') as { id: string; data: unknown }[]);
  }

  async listOutputs(publicKey: string, spent?: boolean): Promise<Answer<OutputRef[]>> {
    return this.read(async (conn, base) => expectArray(await conn.listOutputs(publicKey, spent), base, 'outputs') as OutputRef[]);
  }

  /**
   * Posts a signed transaction in commit mode (or sync). Resolves 'committed' when the node stored it, 'duplicate'
   * when it already had it (which counts as committed), 'accepted' for a sync-mode acceptance. Throws
   * NodeRejectedError with the node's own message, or NodeUnreachableError when no node answered.
   */
  async post(tx: { id: string }, mode: 'commit' | 'sync' = 'commit'): Promise<Answer<PostOutcome>> {
    return this.withFailover(this.postTimeoutMs, async (conn, base) => {
      try {
        const echoed = mode === 'commit' ? await conn.postTransactionCommit(tx as never) : await conn.postTransactionSync(tx as never);
        if ((echoed as { id?: unknown }).id !== tx.id) throw new NodeAnswerError(base, 'the node echoed a different transaction');
        return mode === 'commit' ? 'committed' : 'accepted';
      } catch (error) {
        if (!isDriverResponseError(error)) throw error;
        return this.explainRejection(conn, base, tx, statusCode(error));
      }
    }, (error) => isDriverResponseError(error) && statusCode(error) >= 500);
  }

  /**
   * A non-2xx answer to a POST: if the node already holds the transaction it is a duplicate (committed). Otherwise
   * the same POST is repeated once with fetch to read the error body the driver dropped; a rejected transaction is
   * refused again the same way, so the repeat changes nothing on the ledger.
   */
  private async explainRejection(conn: Connection, base: string, tx: { id: string }, status: number): Promise<PostOutcome> {
    try {
      const stored = await conn.getTransaction(tx.id);
      if ((stored as { id?: unknown }).id === tx.id) return 'duplicate';
    } catch (error) {
      if (!(isDriverResponseError(error) && statusCode(error) === 404)) throw error;
    }
    const response = await fetch(`${base}/api/v1/transactions?mode=commit`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(tx),
      signal: AbortSignal.timeout(this.postTimeoutMs),
    });
    const body = await response.text();
    if (response.status === 202) return 'committed';
    throw new NodeRejectedError(base, response.status || status, reasonOf(body, response.status));
  }

  private read<T>(op: (conn: Connection, base: string) => Promise<T>): Promise<Answer<T>> {
    return this.withFailover(this.readTimeoutMs, op, (error) => isDriverResponseError(error) && statusCode(error) >= 500);
  }

  /** Runs `op` on the preferred node, then the others; network failures (and `retryable` answers) fail over. */
  private async withFailover<T>(
    timeoutMs: number,
    op: (conn: Connection, base: string) => Promise<T>,
    retryable: (error: unknown) => boolean,
  ): Promise<Answer<T>> {
    if (this.lastFailure && Date.now() < this.downUntil) throw this.lastFailure;
    const urls = this.nodeUrls;
    const attempts: { nodeUrl: string; error: string }[] = [];
    for (let i = 0; i < urls.length; i++) {
      const index = (this.preferred + i) % urls.length;
      const base = urls[index]!;
      try {
        const value = await op(new Connection(apiEndpoint(base), {}, timeoutMs), base);
        this.preferred = index;
        this.downUntil = 0;
        this.lastFailure = null;
        return { value, nodeUrl: base };
      } catch (error) {
        if (error instanceof NodeRejectedError || error instanceof NodeAnswerError) throw error;
        if (isDriverResponseError(error) && !retryable(error)) {
          throw new NodeAnswerError(base, `answered ${error.status} to ${error.requestURI}`);
        }
        attempts.push({ nodeUrl: base, error: describe(error) });
      }
    }
    this.lastFailure = new NodeUnreachableError(attempts);
    this.downUntil = Date.now() + this.quarantineMs;
    throw this.lastFailure;
  }
}

function expectArray(value: unknown, base: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new NodeAnswerError(base, `the ${what} answer is not a list`);
  return value;
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
  if (isDriverResponseError(error)) return error.status;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

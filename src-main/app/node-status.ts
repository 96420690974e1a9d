// Which ledger node the app uses and whether it answers: probed periodically and after failures, reported to the
// status bar (app.status and the nodeStatus event). Also the "test connection" probe of settings.
import type { NodeStatus, NodeTestResult } from '../../src-shared/ipc';
import { nodeUrlProblem } from '../../src-shared/settings/node-url';
import { nodeBase } from '../ledger/node-url';

export interface NodeStatusOptions {
  nodeUrls: () => string[];
  /** The node the chart service used last (failover may move it). */
  current: () => string | null;
  embeddedUrl: string | null;
  pending: () => number;
  onChange: (status: NodeStatus) => void;
  intervalMs?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export class NodeStatusMonitor {
  #status: NodeStatus;
  #timer: ReturnType<typeof setInterval> | null = null;
  #probing: Promise<NodeStatus> | null = null;
  readonly #fetch: typeof fetch;

  constructor(private readonly options: NodeStatusOptions) {
    this.#fetch = options.fetchImpl ?? fetch;
    this.#status = {
      url: this.url(),
      embedded: this.isEmbedded(this.url()),
      reachable: false,
      checkedAt: null,
      error: 'Not checked yet',
      pending: options.pending(),
    };
  }

  get status(): NodeStatus {
    return { ...this.#status, pending: this.options.pending() };
  }

  start(): void {
    void this.probe();
    this.#timer = setInterval(() => void this.probe(), this.options.intervalMs ?? 15_000);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Probes now (concurrent callers share one probe). */
  probe(): Promise<NodeStatus> {
    this.#probing ??= this.#probeOnce().finally(() => {
      this.#probing = null;
    });
    return this.#probing;
  }

  /** The outbox changed: the pending count in the status bar must follow. */
  pendingChanged(): void {
    this.options.onChange(this.status);
  }

  private url(): string | null {
    const current = this.options.current();
    return current ?? this.options.nodeUrls()[0] ?? null;
  }

  private isEmbedded(url: string | null): boolean {
    return url !== null && this.options.embeddedUrl !== null && nodeBase(url) === nodeBase(this.options.embeddedUrl);
  }

  async #probeOnce(): Promise<NodeStatus> {
    const url = this.url();
    let next: NodeStatus;
    if (!url) {
      next = {
        url: null,
        embedded: false,
        reachable: false,
        checkedAt: new Date().toISOString(),
        error: 'No ledger node is configured.',
        pending: this.options.pending(),
      };
    } else {
      const result = await probeNode(url, { fetchImpl: this.#fetch, timeoutMs: this.options.timeoutMs });
      next = {
        url: nodeBase(url),
        embedded: this.isEmbedded(url),
        reachable: result.reachable,
        checkedAt: new Date().toISOString(),
        error: result.error,
        pending: this.options.pending(),
      };
    }
    const before = this.#status;
    this.#status = next;
    if (
      before.url !== next.url ||
      before.reachable !== next.reachable ||
      before.error !== next.error ||
      before.pending !== next.pending
    ) {
      this.options.onChange(next);
    }
    return next;
  }
}

/** What a probe found; the detail is for the status bar of the node in use, never for settings.testNode. */
export interface NodeProbe {
  url: string;
  reachable: boolean;
  version: string | null;
  latencyMs: number | null;
  error: string | null;
}

/**
 * settings.testNode: the renderer may ask about a URL it is configuring, and learns only whether a BigchainDB node
 * answered there. No status code, latency, body or error text goes back, so the probe cannot be used to read
 * arbitrary servers; URLs outside the node-URL rule (https, or http to this computer) are not probed at all.
 */
export async function testNodeForSettings(
  url: string,
  options: { fetchImpl?: typeof fetch; timeoutMs?: number } = {},
): Promise<NodeTestResult> {
  if (nodeUrlProblem(url) !== null) return { url, reachable: false };
  const result = await probeNode(url, options);
  return { url: result.url, reachable: result.reachable };
}

/** GET the node's root: reachable when it answers 200 with BigchainDB's root document. */
export async function probeNode(
  url: string,
  { fetchImpl = fetch, timeoutMs = 4000 }: { fetchImpl?: typeof fetch; timeoutMs?: number } = {},
): Promise<NodeProbe> {
  let base: string;
  try {
    base = nodeBase(url);
  } catch {
    return { url, reachable: false, version: null, latencyMs: null, error: 'Not an http(s) URL.' };
  }
  const started = performance.now();
  try {
    const res = await fetchImpl(`${base}/`, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
      headers: { accept: 'application/json' },
    });
    const latencyMs = Math.round(performance.now() - started);
    if (!res.ok)
      return { url: base, reachable: false, version: null, latencyMs, error: `The node answered HTTP ${res.status}.` };
    const body = (await res.json().catch(() => null)) as { version?: unknown; api?: { v1?: unknown } } | null;
    if (!body || typeof body !== 'object' || !body.api || typeof body.api !== 'object' || !('v1' in body.api)) {
      return {
        url: base,
        reachable: false,
        version: null,
        latencyMs,
        error: 'This server answered, but it is not a BigchainDB node (no api.v1 in its root document).',
      };
    }
    return {
      url: base,
      reachable: true,
      version: typeof body.version === 'string' ? body.version : null,
      latencyMs,
      error: null,
    };
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : error.cause instanceof Error
            ? error.cause.message
            : error.message
        : String(error);
    return { url: base, reachable: false, version: null, latencyMs: null, error: `Cannot reach ${base}: ${reason}.` };
  }
}

// Subscribes to a node's valid-transaction WebSocket stream (docs/PROTOCOL.md §5.12) and reconnects with back-off,
// following the client's current node. The URL is the one the node advertises in `GET /` (api.v1.streams). The
// embedded node wants its bearer token on the stream too; it goes only to the node it belongs to (same host and port).
import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { HEX64 } from '../../src-shared/ledger/patterns';
import type { LedgerNodeClient } from './node-client';

export interface StreamEvent {
  height: number;
  asset_id: string;
  transaction_id: string;
}

export interface StreamEvents {
  event: [StreamEvent];
  open: [url: string];
  close: [];
}

export class ValidTransactionStream extends EventEmitter<StreamEvents> {
  private socket: WebSocket | null = null;
  private stopped = true;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;

  constructor(
    private readonly client: LedgerNodeClient,
    private readonly options: { maxBackoffMs?: number } = {},
  ) {
    super();
  }

  get connected(): boolean {
    return this.socket?.readyState === 1; // WebSocket.OPEN (ws is loaded only once the stream starts)
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.socket?.terminate();
    this.socket = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const found = await this.streamUrl().catch(() => null);
    if (!found || this.stopped) return this.scheduleReconnect();
    const { url, headers } = found;
    // Loaded here, not at start-up: a command line with no live stream never needs it (docs/BENCHMARKS.md).
    const { default: WebSocketClass } = await import('ws');
    if (this.stopped) return;
    const socket = new WebSocketClass(url, { headers });
    this.socket = socket;
    socket.on('open', () => {
      this.failures = 0;
      this.emit('open', url);
    });
    socket.on('message', (data) => {
      const event = parseEvent(data.toString());
      if (event) this.emit('event', event);
    });
    socket.on('error', () => undefined); // 'close' follows and reconnects
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.emit('close');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    const delay = Math.min(500 * 2 ** this.failures++, this.options.maxBackoffMs ?? 30_000);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
    this.retry.unref?.();
  }

  private async streamUrl(): Promise<{ url: string; headers: Record<string, string> } | null> {
    for (const base of this.client.nodeUrls) {
      try {
        const response = await fetch(`${base}/`, {
          signal: AbortSignal.timeout(3000),
          headers: { Accept: 'application/json' },
        });
        const info = (await response.json()) as { api?: { v1?: { streams?: unknown } } };
        const url = info.api?.v1?.streams;
        if (typeof url === 'string' && /^wss?:\/\//.test(url)) {
          const sameNode = new URL(url).host === new URL(base).host;
          return { url, headers: sameNode ? this.client.authorization(base) : {} };
        }
      } catch {
        // try the next node
      }
    }
    return null;
  }
}

function parseEvent(text: string): StreamEvent | null {
  try {
    const e = JSON.parse(text) as Partial<StreamEvent>;
    if (typeof e.height === 'number' && HEX64.test(String(e.asset_id)) && HEX64.test(String(e.transaction_id))) {
      return { height: e.height, asset_id: e.asset_id!, transaction_id: e.transaction_id! };
    }
  } catch {
    // ignore what is not an event
  }
  return null;
}

// The WebSocket stream of valid transactions (docs/PROTOCOL.md §5.12): one text frame per committed transaction, in
// block order, formatted as Python's json.dumps writes it. Client messages are ignored. Served on the HTTP port (the
// reference uses a second port; the advertised `streams` URL says where it is, so clients follow it).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CommittedBlock } from '../store/ledger-store';
import { assetIdOf } from '../store/tx-shape';
import { rawErrorResponse } from './reply';

export const STREAM_PATH = '/api/v1/streams/valid_transactions';

// Drop a client that cannot keep up rather than buffer without bound.
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export class EventStream {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  constructor() {
    this.wss.on('connection', (socket: WebSocket) => {
      socket.on('message', () => {
        // Ignored, as by the reference.
      });
      socket.on('error', () => socket.terminate());
    });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0]?.replace(/\/+$/, '');
    if (path !== STREAM_PATH) {
      socket.end(rawErrorResponse(404, 'Not found'));
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  publish(block: CommittedBlock): void {
    if (this.wss.clients.size === 0) return;
    for (const { tx } of block.entries) {
      const frame = `{"height": ${block.height}, "asset_id": "${assetIdOf(tx)}", "transaction_id": "${tx.id}"}`;
      for (const client of this.wss.clients) {
        if (client.readyState !== client.OPEN) continue;
        if (client.bufferedAmount > MAX_BUFFERED_BYTES) client.terminate();
        else client.send(frame);
      }
    }
  }

  close(): void {
    for (const client of this.wss.clients) client.close(1001, 'ledger node stopping');
    this.wss.close();
  }
}

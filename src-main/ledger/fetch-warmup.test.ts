// The HTTP warm-up of a verification worker makes its reads from a loopback server of its own, every one answered
// in full, and leaves nothing listening behind.
import { connect } from 'node:net';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { warmUpFetching } from './fetch-warmup';
import { sampleAnswer } from './verify-warmup';

describe('fetch warm-up', () => {
  it('reads the sample answer through the transport, every read answered, and closes its server', async () => {
    const ports: number[] = [];
    const listen = http.Server.prototype.listen;
    // Records the port the warm-up's server was given (the real listen runs).
    http.Server.prototype.listen = function (this: http.Server, ...args: unknown[]) {
      this.once('listening', () => ports.push((this.address() as { port: number }).port));
      return listen.apply(this, args as Parameters<typeof listen>);
    } as typeof listen;
    try {
      expect(await warmUpFetching(await sampleAnswer(), 200)).toBe(true);
    } finally {
      http.Server.prototype.listen = listen;
    }
    expect(ports).toHaveLength(1);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(ports[0]!, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});

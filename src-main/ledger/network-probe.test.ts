// The stream-URL checks made before a WebSocket is tried (the probes and the whole check run against real nodes in
// test/integration/ledger-node/network-check.test.ts).
import { describe, expect, it } from 'vitest';
import { advertisedStreamProblem } from './network-probe';

describe('advertisedStreamProblem', () => {
  it('names BDB_PUBLIC_HOST when a remote node advertises localhost or its bind address', () => {
    for (const host of ['localhost:9985', '127.0.0.1:9985', '0.0.0.0:9985']) {
      expect(
        advertisedStreamProblem('https://ledger1.hospital.example', `ws://${host}/api/v1/streams/valid_transactions`),
      ).toBe(
        `advertises its event stream at ws://${host}/api/v1/streams/valid_transactions, which workstations cannot reach: set BDB_PUBLIC_HOST in the node's .env (docker/README.md)`,
      );
    }
  });

  it('accepts a loopback stream for a node on this machine, and a public stream for a remote node', () => {
    expect(
      advertisedStreamProblem('http://127.0.0.1:9984', 'ws://127.0.0.1:9985/api/v1/streams/valid_transactions'),
    ).toBeNull();
    expect(
      advertisedStreamProblem('http://localhost:9984', 'ws://localhost:9985/api/v1/streams/valid_transactions'),
    ).toBeNull();
    expect(
      advertisedStreamProblem(
        'https://ledger1.hospital.example',
        'wss://ledger1.hospital.example:443/api/v1/streams/valid_transactions',
      ),
    ).toBeNull();
  });

  it('refuses a missing, malformed or non-WebSocket stream URL', () => {
    expect(advertisedStreamProblem('http://h:9984', null)).toBe('advertises no event-stream URL');
    expect(advertisedStreamProblem('http://h:9984', 'not a url')).toBe(
      'advertises an event-stream URL that is not a URL: not a url',
    );
    expect(advertisedStreamProblem('http://h:9984', 'http://h:9985/x')).toBe(
      'advertises an event stream that is not ws:// or wss://: http://h:9985/x',
    );
  });
});

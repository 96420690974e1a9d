// The client's node list is parsed once per configured list, not per request: what it answers must still follow the
// settings the moment they change, and a caller changing the list it was given changes nothing inside.
import { describe, expect, it } from 'vitest';
import { LedgerNodeClient } from './node-client';

describe('LedgerNodeClient.nodeUrls', () => {
  it('follows the configured list as it changes, in place or replaced, and hands out copies', () => {
    const configured = ['http://127.0.0.1:9984/api/v1/', 'http://node-b.example:9984/'];
    let current: string[] = configured;
    const client = new LedgerNodeClient({ nodeUrls: () => current });
    expect(client.nodeUrls).toEqual(['http://127.0.0.1:9984', 'http://node-b.example:9984']);
    expect(client.currentNodeUrl).toBe('http://127.0.0.1:9984');

    client.nodeUrls.push('http://mutated.example');
    expect(client.nodeUrls).toEqual(['http://127.0.0.1:9984', 'http://node-b.example:9984']);

    configured[1] = 'https://node-c.example/api/v1'; // the same array, changed in place
    expect(client.nodeUrls).toEqual(['http://127.0.0.1:9984', 'https://node-c.example']);

    current = ['http://127.0.0.2:9984'];
    expect(client.nodeUrls).toEqual(['http://127.0.0.2:9984']);
    expect(client.currentNodeUrl).toBe('http://127.0.0.2:9984');

    current = ['ftp://nope.example'];
    expect(() => client.nodeUrls).toThrow(/is not an http\(s\) URL/);
    client.close();
  });
});

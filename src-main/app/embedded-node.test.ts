import { describe, it, expect } from 'vitest';
import { startEmbeddedNode, type ForkUtility, type UtilityChild } from './embedded-node';
import { FakeEmitter } from '../../test/fakes/fake-electron';
import { APP_PROGRAM } from '../ledger-node/store/folder-lock';

// A named fake of Electron's UtilityProcess: records messages and lets the test play the node's side.
class FakeUtility extends FakeEmitter {
  readonly posted: unknown[] = [];
  killed = 0;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed += 1;
    queueMicrotask(() => this.emit('exit', 137));
    return true;
  }
}

function forker() {
  const children: { child: FakeUtility; path: string; args: string[] }[] = [];
  const fork: ForkUtility = (path, args) => {
    const child = new FakeUtility();
    children.push({ child, path, args });
    return child as unknown as UtilityChild;
  };
  return { fork, children };
}

describe('embedded node in a utility process', () => {
  it('forks the entry with the data dir and resolves with its URL once it listens', async () => {
    const { fork, children } = forker();
    const started = startEmbeddedNode(fork, { entryPath: '/app/out/main/ledger-node.js', dataDir: '/data/ledger' });
    const c = children[0]!;
    expect(c.path).toBe('/app/out/main/ledger-node.js');
    expect(c.args).toEqual(['--data', '/data/ledger', '--port', '0']);
    c.child.emit('message', { type: 'listening', url: 'http://127.0.0.1:41234', port: 41234 });
    const node = await started;
    expect(node.url).toBe('http://127.0.0.1:41234');

    const stopped = node.stop();
    expect(c.child.posted).toEqual([{ type: 'stop' }]);
    c.child.emit('exit', 0);
    await stopped;
    expect(c.child.killed).toBe(0);
  });

  it('hands the process a fresh bearer token over its channel once it runs, never on its command line', async () => {
    const { fork, children } = forker();
    const started = startEmbeddedNode(fork, { entryPath: 'x', dataDir: 'd' });
    const c = children[0]!;
    expect(c.child.posted).toEqual([]);
    c.child.emit('message', { type: 'opening' });
    expect(c.child.posted).toEqual([
      { type: 'token', token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), program: APP_PROGRAM },
    ]);
    const { token } = c.child.posted[0] as { token: string };
    expect(c.args.join(' ')).not.toContain(token);
    c.child.emit('message', { type: 'listening', url: 'http://127.0.0.1:3', port: 3 });
    expect((await started).token).toBe(token);

    const again = forker();
    const second = startEmbeddedNode(again.fork, { entryPath: 'x', dataDir: 'd' });
    again.children[0]!.child.emit('message', { type: 'opening' });
    again.children[0]!.child.emit('message', { type: 'listening', url: 'http://127.0.0.1:4', port: 4 });
    expect((await second).token).not.toBe(token);
  });

  it("rejects with the node's reason when it cannot start", async () => {
    const { fork, children } = forker();
    const started = startEmbeddedNode(fork, { entryPath: 'x', dataDir: 'd' });
    children[0]!.child.emit('message', { type: 'error', message: 'EADDRINUSE' });
    await expect(started).rejects.toThrow(/could not start: EADDRINUSE/);
  });

  it('rejects when the process exits before listening, and when it never answers', async () => {
    const { fork, children } = forker();
    const started = startEmbeddedNode(fork, { entryPath: 'x', dataDir: 'd' });
    children[0]!.child.emit('exit', 1);
    await expect(started).rejects.toThrow(/exited before it was ready/);

    const slow = forker();
    const never = startEmbeddedNode(slow.fork, { entryPath: 'x', dataDir: 'd', startTimeoutMs: 20 });
    await expect(never).rejects.toThrow(/did not start within 20 ms/);
    expect(slow.children[0]!.child.killed).toBe(1);
  });

  it('once the process runs, opening its data (a format upgrade) gets its own, longer budget', async () => {
    const { fork, children } = forker();
    const started = startEmbeddedNode(fork, { entryPath: 'x', dataDir: 'd', startTimeoutMs: 20, openTimeoutMs: 200 });
    children[0]!.child.emit('message', { type: 'opening' });
    await new Promise((r) => setTimeout(r, 60)); // past the start budget: still waiting, the store is being upgraded
    children[0]!.child.emit('message', { type: 'listening', url: 'http://127.0.0.1:2', port: 2 });
    expect((await started).url).toBe('http://127.0.0.1:2');

    const hung = forker();
    const never = startEmbeddedNode(hung.fork, { entryPath: 'x', dataDir: 'd', startTimeoutMs: 20, openTimeoutMs: 40 });
    hung.children[0]!.child.emit('message', { type: 'opening' });
    await expect(never).rejects.toThrow(/did not open its data within 40 ms/);
    expect(hung.children[0]!.child.killed).toBe(1);
  });

  it('reports an unexpected exit, but not the exit it asked for', async () => {
    const { fork, children } = forker();
    const started = startEmbeddedNode(fork, { entryPath: 'x', dataDir: 'd' });
    children[0]!.child.emit('message', { type: 'listening', url: 'http://127.0.0.1:1', port: 1 });
    const node = await started;
    const exits: number[] = [];
    node.onUnexpectedExit((code) => exits.push(code));
    children[0]!.child.emit('exit', 9);
    expect(exits).toEqual([9]);
  });
});

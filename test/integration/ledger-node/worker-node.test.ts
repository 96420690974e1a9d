// The embedded node in a worker thread (ledger-node/worker-node.ts), as the CLI's import runs it: it answers over
// HTTP with its token and validates as the in-thread node does, holds the folder lock while it runs and frees it on
// stop; a second node on the folder is refused with the same FolderLockedError; a thread that ends mid-work is
// reported through `crashed`, its lock freed, and what it had committed is there for the next node.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateToken } from '../../../src-main/ledger-node/http/access';
import { startLedgerNode } from '../../../src-main/ledger-node/node';
import { FolderLockedError, LOCK_FILE, lockHolder } from '../../../src-main/ledger-node/store/folder-lock';
import { startLedgerNodeInWorker } from '../../../src-main/ledger-node/worker-node';
import { makeKey } from './support/keys';
import { postTx, tempDataDir, useToken, type LedgerTarget } from './support/target';
import { createTx, ed25519Output, transferTx } from './support/transactions';

const target = (url: string) => ({ apiUrl: `${url}/api/v1/`, rootUrl: url }) as LedgerTarget;

describe('the ledger node in a worker thread', () => {
  it('serves with its token, validates, holds the folder lock while it runs and frees it on stop', async () => {
    const dir = tempDataDir('hc.worker-node-');
    try {
      const token = generateToken();
      const node = await startLedgerNodeInWorker({ dataDir: dir.path, token, program: 'the worker test' });
      let stopped = false;
      try {
        expect(node.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        // The token is required: without it the node answers 401, as the in-thread node does.
        expect((await fetch(`${node.apiUrl}blocks/1`)).status).toBe(401);
        useToken(node.url, token);
        const alice = makeKey();
        const tx = createTx(alice, { kind: 'worker-node' }, null);
        expect((await postTx(target(node.url), tx, 'commit')).status).toBe(202);
        // The node's validation runs there: a transfer signed by someone else than the owner is refused.
        const bob = makeKey();
        const wrongSigner = transferTx([{ tx, outputIndex: 0, signer: bob }], [ed25519Output(bob)]);
        expect((await postTx(target(node.url), wrongSigner, 'commit')).json()).toEqual({
          message: 'Invalid transaction (InvalidSignature): Transaction signature is invalid.',
          status: 400,
        });

        expect(lockHolder(dir.path)).toMatchObject({ pid: process.pid, program: 'the worker test' });
        // A second node, in a worker or on this thread, is refused with the holder named.
        const second = await startLedgerNodeInWorker({ dataDir: dir.path, token, program: 'a second' }).catch(
          (error: unknown) => error,
        );
        expect(second).toBeInstanceOf(FolderLockedError);
        expect((second as FolderLockedError).owner?.program).toBe('the worker test');
        await expect(startLedgerNode({ dataDir: dir.path, port: 0, access: { kind: 'open' } })).rejects.toThrow(
          `is in use by the worker test (pid ${process.pid})`,
        );

        await node.stop();
        stopped = true;
        expect(existsSync(join(dir.path, LOCK_FILE))).toBe(false);
        // `crashed` stays pending after a clean stop.
        expect(await Promise.race([node.crashed, new Promise((r) => setTimeout(() => r('pending'), 100))])).toBe(
          'pending',
        );
        // The next node (on this thread) has the transaction the worker committed.
        const again = await startLedgerNode({ dataDir: dir.path, port: 0, access: { kind: 'open' } });
        try {
          expect((await fetch(`${again.apiUrl}transactions/${tx.id}`)).status).toBe(200);
        } finally {
          await again.stop();
        }
      } finally {
        if (!stopped) await node.stop();
      }
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('a thread that ends mid-work is reported as a crash, frees the folder, and keeps what it committed', async () => {
    const dir = tempDataDir('hc.worker-crash-');
    try {
      const token = generateToken();
      const node = await startLedgerNodeInWorker({ dataDir: dir.path, token, program: 'the crashing test' });
      useToken(node.url, token);
      const committed = createTx(makeKey(), { kind: 'before the crash' }, null);
      expect((await postTx(target(node.url), committed, 'commit')).status).toBe(202);
      expect(lockHolder(dir.path)?.program).toBe('the crashing test');

      await node.terminate();
      const reason = await node.crashed;
      expect(reason.message).toMatch(/^the embedded ledger node stopped unexpectedly/);
      // The lock named this process, whose node is gone: freed, so this process (or the next) can start one.
      expect(existsSync(join(dir.path, LOCK_FILE))).toBe(false);
      // Requests now fail as for a node that does not answer.
      await expect(fetch(`${node.url}/`)).rejects.toThrow();
      await node.stop(); // nothing left to stop: answers at once

      const next = await startLedgerNodeInWorker({ dataDir: dir.path, token, program: 'the next' });
      try {
        useToken(next.url, token);
        const got = await fetch(`${next.apiUrl}transactions/${committed.id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(got.status).toBe(200);
      } finally {
        await next.stop();
      }
    } finally {
      dir.remove();
    }
  }, 60_000);
});

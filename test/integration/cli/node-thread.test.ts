// The CLI's embedded node runs in a worker thread (src-main/cli/node-thread.ts): it must refuse what the in-process
// node refused, keep what it accepted once stopped, and fail to start with the same errors (the app's lock named as
// "HealthChain is running", other failures with the node's own message).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppRunningError, startLocalNode, warmLocalNode } from '../../../src-main/cli/local-node';
import { startLedgerNode } from '../../../src-main/ledger-node/node';
import { APP_PROGRAM } from '../../../src-main/ledger-node/store/folder-lock';
import { makeKey } from '../ledger-node/support/keys';
import { http, postTx, tempDataDir, useToken, type LedgerTarget } from '../ledger-node/support/target';
import { createTx, ed25519Output, transferTx } from '../ledger-node/support/transactions';

describe("the CLI's embedded node in its own thread", () => {
  it('refuses forged transactions (400), commits the genuine ones, and keeps them after stop', async () => {
    const dir = tempDataDir('hc.cli-thread-'); // dotted, as `mktemp -d` gives
    const alice = makeKey();
    const mallory = makeKey();
    const create = createTx(alice, { kind: 'thread-test' }, { v: 1 });
    // Mallory spends Alice's output with her own signature: the fulfilment does not match the output's condition.
    const stolen = transferTx([{ tx: create, outputIndex: 0, signer: mallory }], [ed25519Output(mallory)]);
    // Alice's signed transaction with its metadata changed afterwards: the id and the signature no longer fit.
    const altered = { ...create, metadata: { v: 2 } };
    const genuine = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(alice)]);
    try {
      warmLocalNode(); // as the import does: the thread loads before it is started
      const { node, dataDir } = await startLocalNode(dir.path);
      expect(dataDir).toBe(dir.path);
      expect(node.token).toBeTruthy();
      useToken(node.url, node.token!);
      const target = { apiUrl: node.apiUrl, rootUrl: node.url } as LedgerTarget;
      try {
        expect((await postTx(target, altered, 'commit')).status).toBe(400);
        expect((await postTx(target, create, 'commit')).status).toBe(202);
        const refused = await postTx(target, stolen, 'commit');
        expect(refused.status).toBe(400);
        expect(refused.text).toMatch(/signature|fulfil/i);
        // Without the token: refused as before.
        const anonymous = await http('POST', `${node.apiUrl}transactions?mode=commit`, {
          body: JSON.stringify(genuine),
          auth: false,
        });
        expect(anonymous.status).toBe(401);
        expect((await postTx(target, genuine, 'commit')).status).toBe(202);
      } finally {
        await node.stop();
      }
      // Stopped: the folder is free and the store holds what was committed, and nothing forged.
      const reopened = await startLedgerNode({ dataDir: dir.path, port: 0, access: { kind: 'open' } });
      try {
        const status = async (id: string) => (await fetch(`${reopened.apiUrl}transactions/${id}`)).status;
        expect(await status(create.id)).toBe(200);
        expect(await status(genuine.id)).toBe(200);
        expect(await status(stolen.id)).toBe(404);
      } finally {
        await reopened.stop();
      }
    } finally {
      dir.remove();
    }
  }, 60_000);

  it("says the app is running when the app's node holds the folder, and frees nothing of it", async () => {
    const dir = tempDataDir('hc.cli-thread-app-');
    const app = await startLedgerNode({
      dataDir: dir.path,
      port: 0,
      access: { kind: 'open' },
      program: APP_PROGRAM,
    });
    try {
      const refusal = await startLocalNode(dir.path).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(AppRunningError);
      expect((refusal as Error).message).toBe(
        `HealthChain is running (pid ${process.pid}) and uses ${dir.path}; pass --node <url> to use a ledger node, or quit HealthChain and run this again`,
      );
      // The app's node still serves.
      expect((await fetch(`${app.apiUrl}transactions/${'0'.repeat(64)}`)).status).toBe(404);
    } finally {
      await app.stop();
      dir.remove();
    }
  }, 60_000);

  it("fails to start with the in-process node's own message (a data folder that is a file)", async () => {
    const dir = tempDataDir('hc.cli-thread-file-');
    const file = join(dir.path, 'not-a-folder');
    writeFileSync(file, 'x');
    try {
      const inProcess = await startLedgerNode({ dataDir: file, port: 0, access: { kind: 'open' } }).then(
        () => 'started',
        (error: Error) => error.message,
      );
      const inThread = await startLocalNode(file).then(
        () => 'started',
        (error: Error) => error.message,
      );
      expect(inProcess).not.toBe('started');
      expect(inThread).toBe(inProcess);
    } finally {
      dir.remove();
    }
  }, 60_000);
});

// The node in a worker thread (src-main/ledger-node/worker.ts, how the CLI runs its embedded node): the same HTTP API
// behind the same bearer token, every transaction it acknowledged written to its data folder when stop() resolves
// (a node started on that folder afterwards has them), and a start that fails is reported, not left running.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateToken } from '../../../src-main/ledger-node/http/access';
import { startLedgerNode } from '../../../src-main/ledger-node/node';
import { startLedgerNodeInWorker } from '../../../src-main/ledger-node/worker';
import { makeKey } from './support/keys';
import { http, postTx, tempDataDir, useToken, type LedgerTarget } from './support/target';
import { createTx } from './support/transactions';

const dirs: ReturnType<typeof tempDataDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('ledger node in a worker thread', () => {
  it('answers with its token only, and keeps what it acknowledged once stopped', async () => {
    const dir = tempDataDir('hc.worker-node-');
    dirs.push(dir);
    const token = generateToken();
    const node = await startLedgerNodeInWorker({ dataDir: dir.path, port: 0, token });
    expect(node.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(node.token).toBe(token);
    const target = { apiUrl: node.apiUrl, rootUrl: node.url } as LedgerTarget;
    const owner = makeKey();
    const txs = Array.from({ length: 5 }, (_, i) => createTx(owner, { kind: 'worker', i }, { i }));

    const refused = await http('POST', `${node.apiUrl}transactions`, { body: JSON.stringify(txs[0]), auth: false });
    expect(refused.status).toBe(401);
    useToken(node.url, token);
    const answers = await Promise.all(txs.map((tx, i) => postTx(target, tx, i % 2 ? 'commit' : 'sync')));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect((await http('GET', `${node.apiUrl}transactions/${txs[3]!.id}`)).json()).toEqual(txs[3]);
    await node.stop();
    await node.stop(); // a second stop is the first one's answer, not an error
    await expect(fetch(`${node.url}/`)).rejects.toThrow();

    const reopened = await startLedgerNode({ dataDir: dir.path, port: 0, access: { kind: 'open' } });
    try {
      for (const tx of txs) expect((await http('GET', `${reopened.apiUrl}transactions/${tx.id}`)).json()).toEqual(tx);
    } finally {
      await reopened.stop();
    }
  });

  it('reports a node that cannot start, with the reason', async () => {
    const dir = tempDataDir('hc.worker-node-');
    dirs.push(dir);
    const file = join(dir.path, 'not-a-folder');
    writeFileSync(file, 'x');
    await expect(startLedgerNodeInWorker({ dataDir: file, port: 0, token: generateToken() })).rejects.toThrow(
      /ledger node failed to start: /,
    );
  });
});

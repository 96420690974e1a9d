// Which node the CLI uses and where its data goes, and `identity create` as all or nothing: the real CLI bundle in
// child processes, the real keychain, the real embedded node in a data folder whose name has a dot.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { removeDir, startNode, tempDir } from '../charts/harness';
import { buildCli, cliUsers } from './cli-run';

const create = ['identity', 'create', '--name', 'Dr Ada Okafor', '--specialty', 'GP', '--licence', 'L-9', '--json'];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('command line: the node, the data folder, identity create', { timeout: 600_000 }, () => {
  const work = tempDir('cli-node');
  const dotted = mkdtempSync(join(tmpdir(), 'hc.ledger-'));
  const { user, cleanAll } = cliUsers();

  beforeAll(buildCli);

  afterAll(async () => {
    await cleanAll();
    removeDir(work);
    removeDir(dotted);
  });

  it('without --node: starts the embedded node in a dotted data folder, says which and where, keeps the data', async () => {
    const ada = user();
    const created = await ada.cli(...create, '--data', dotted);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(
      new RegExp(
        `no --node given and none configured: started the embedded ledger node at http://127\\.0\\.0\\.1:\\d+, data in ${dotted.replace(/[.]/g, '\\.')} `,
      ),
    );
    expect(existsSync(join(dotted, 'data.mdb'))).toBe(true);
    const signKey = (JSON.parse(created.stdout) as { identity: { signKey: string } }).identity.signKey;
    // Opened again: what the first run wrote is there.
    const found = await ada.cli('practitioners', 'Okafor', '--json', '--data', dotted);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject([{ signKey, name: 'Dr Ada Okafor' }]);
    const listed = await ada.cli('list', '--data', dotted);
    expect(listed).toMatchObject({ code: 0, stdout: 'No charts.\n' });
    expect(listed.stderr).toContain(`data in ${dotted}`);
  });

  it('`npm run ledger -- --data <dir.with.dot>` starts and writes inside the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hc.ledger-'));
    const child = spawn(
      'node_modules/.bin/tsx',
      ['src-main/ledger-node/cli.ts', '--data', dir, '--port', '0', '--open'],
      {
        cwd: process.cwd(),
      },
    );
    let output = '';
    try {
      const listening = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening" line: ${output}`)), 60_000);
        const seen = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /ledger listening on (http:\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        };
        child.stdout.on('data', seen);
        child.stderr.on('data', seen);
        child.on('exit', () => reject(new Error(`ledger exited: ${output}`)));
      });
      expect((await fetch(`${listening}/api/v1/`)).status).toBe(200);
      expect(output).not.toContain('Is a directory');
      expect(existsSync(join(dir, 'data.mdb'))).toBe(true);
    } finally {
      child.kill();
      removeDir(dir);
    }
  });

  it('identity create against a node that does not answer: exit 1 and nothing in the keychain', async () => {
    const ada = user();
    const server = createServer();
    const url = await listen(server);
    await new Promise((resolve) => server.close(resolve)); // the port is closed again: nothing answers there
    const failed = await ada.cli(...create, '--node', url, '--outbox', join(work, 'outbox-unreachable'));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('No ledger node answered');
    expect(JSON.parse((await ada.cli('identity', 'list', '--json')).stdout)).toEqual([]);
  });

  it('identity create whose directory entry the node refuses: the new key is deleted again, a retry makes one', async () => {
    const ada = user();
    const node: LedgerNode = await startNode(tempDir('node'));
    // Reads pass through to the real node; the write is refused, as a node refusing the entry would.
    let refuse = true;
    const proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (req.method === 'POST' && refuse) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ message: 'Invalid transaction (ValidationError): refused for the test', status: 400 }),
        );
        return;
      }
      const upstream = await fetch(`${node.url}${req.url}`, {
        method: req.method,
        headers: {
          'content-type': 'application/json',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    });
    const url = await listen(proxy);
    try {
      const outbox = ['--outbox', join(work, 'outbox-refused')];
      const failed = await ada.cli(...create, '--node', url, ...outbox);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('refused for the test');
      expect(failed.stderr).toContain("Dr Ada Okafor's new key was deleted again");
      expect(JSON.parse((await ada.cli('identity', 'list', '--json')).stdout)).toEqual([]);

      refuse = false;
      const retried = await ada.cli(...create, '--node', url, '--outbox', join(work, 'outbox-retry'));
      expect(retried.code).toBe(0);
      const identities = JSON.parse((await ada.cli('identity', 'list', '--json')).stdout) as unknown[];
      expect(identities).toHaveLength(1);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
      await node.stop();
    }
  });
});

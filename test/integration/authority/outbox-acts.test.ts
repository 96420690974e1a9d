// The authority's acts go through the durable outbox (docs/AUTHORITY.md, "Acts through the outbox"), against the
// real embedded node over real HTTP, stopped and started again on the same port and data: an act signed while the
// node is down is queued, survives a restart of the poster (a new process opening the same outbox), and is committed
// once the node is back; an act spending a queued act waits for it; a retry after a lost answer is recognised as
// committed; a refused act keeps the node's reason; and `hospital post` in a child process queues, then the next
// command that reaches the node posts it.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { Outbox } from '../../../src-main/ledger/outbox';
import { OutboxSender } from '../../../src-main/ledger/outbox-sender';
import { OutboxPoster } from '../../../src-main/ledger/outbox-poster';
import { NodeRejectedError } from '../../../src-main/ledger/errors';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { postPartial, prepareEmergencyKey, prepareIssue } from '../../../src-main/authority/hospital';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import {
  addSignatures,
  assemble,
  makeEmergencyKeyAct,
  startPartial,
  type PartialTransaction,
  type VerifiedAuthority,
} from '../../../src-shared/authority';
import { newSeed } from '../../../src-shared/crypto/keys';
import { Hospital } from './hospital-setup';
import { eventually, NODE_TOKEN, removeDir, startNode, tempDir } from '../charts/harness';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const nodeData = tempDir('acts-node');
let node: LedgerNode;
let port: number;
let hospital: Hospital;
const dirs: string[] = [];
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  node = await startNode(nodeData);
  port = Number(new URL(node.url).port);
  hospital = await Hospital.found(node.url);
});

afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  if (!node) node = await startNode(nodeData, port);
});

afterAll(async () => {
  hospital?.close();
  await node?.stop();
  for (const dir of [nodeData, ...dirs]) removeDir(dir);
});

/** What the app opens: an outbox on disk, its sender over a node client, and the poster over both. */
async function openPoster(dir: string, nodeUrl = node?.url ?? `http://127.0.0.1:${port}`) {
  const client = new LedgerNodeClient({
    nodeUrls: [nodeUrl],
    bearerTokenFor: () => NODE_TOKEN,
    readTimeoutMs: 1500,
    postTimeoutMs: 5000,
    quarantineMs: 100,
  });
  const outbox = await Outbox.open(dir);
  const sender = new OutboxSender(outbox, client, { baseDelayMs: 50, maxDelayMs: 200, tickMs: 50 });
  const poster = new OutboxPoster(outbox, sender);
  const handle = {
    client,
    outbox,
    sender,
    poster,
    close: async () => {
      sender.stop();
      await sender.idle();
      await outbox.close();
      client.close();
    },
  };
  opened.push(handle);
  return handle;
}

async function stopNode(): Promise<void> {
  await node.stop();
  node = undefined as unknown as LedgerNode;
}

async function authority(): Promise<VerifiedAuthority> {
  return new CredentialRegistry(hospital.client, hospital.authorityId).authority();
}

const signed = (partial: PartialTransaction) => addSignatures(partial, hospital.officer);

function issue(a: VerifiedAuthority, name: string): Promise<PartialTransaction> {
  const doctor = new SeedKeyHolder(newSeed());
  return signed(
    prepareIssue(a, {
      name,
      licence: `GMC-${doctor.signKey.slice(0, 10)}`,
      specialty: 'Cardiology',
      signKey: doctor.signKey,
      boxKey: doctor.boxKey,
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2099-01-01T00:00:00Z',
    }),
  );
}

const newKey = () => {
  const k = new SeedKeyHolder(newSeed());
  return { signKey: k.signKey, boxKey: k.boxKey };
};

/** How many transactions of the asset the node holds with this id. */
async function onLedger(assetId: string, txId: string): Promise<number> {
  const { value } = await hospital.client.listTransactions(assetId);
  return (value as { id: string }[]).filter((t) => t.id === txId).length;
}

describe('authority acts through the outbox', () => {
  it('queues acts while the node is down, keeps them over a restart, and commits each once, in spend order', async () => {
    const dir = tempDir('acts-outbox');
    dirs.push(dir);
    const before = await authority();
    const credential = await issue(before, 'Dr Queued Issue');
    // Two emergency-key acts: the second spends the first's output, as setUpOneMachineAuthority's pair does.
    const first = await assemble(await signed(prepareEmergencyKey(before, newKey())), nativeLedgerCrypto);
    const secondKey = newKey();
    const second = await assemble(
      await signed(
        startPartial(
          makeEmergencyKeyAct(before.data, first, secondKey, new Date().toISOString()),
          'Replace the emergency key',
        ),
      ),
      nativeLedgerCrypto,
    );

    await stopNode();
    const app = await openPoster(dir);
    const issued = await postPartial(app.poster, credential);
    expect(issued.outcome).toBe('queued');
    // The one spending the other is queued first: without the spend check it would be posted first and refused.
    expect((await app.poster.post(second)).value).toBe('queued');
    expect((await app.poster.post(first)).value).toBe('queued');
    expect(app.poster.queued().map((q) => q.txId)).toEqual([issued.tx.id, second.id, first.id]);
    expect(app.poster.isQueued(issued.tx.id)).toBe(true);
    await app.close(); // the app quits with the node still down
    opened.splice(opened.indexOf(app), 1);

    node = await startNode(nodeData, port);
    const again = await openPoster(dir);
    expect(again.outbox.all().map((r) => r.tx.id)).toEqual([issued.tx.id, second.id, first.id]);
    again.sender.start();
    await eventually(() => again.outbox.all().length === 0, 'the queued acts are posted');

    const after = await authority();
    expect(after.emergencyKey?.signKey).toBe(secondKey.signKey);
    const view = await new CredentialRegistry(hospital.client, hospital.authorityId).load();
    expect(view.credential(issued.tx.id)?.data.name).toBe('Dr Queued Issue');
    expect(await onLedger(issued.tx.id, issued.tx.id)).toBe(1);
    expect(await onLedger(hospital.authorityId, first.id)).toBe(1);
    expect(await onLedger(hospital.authorityId, second.id)).toBe(1);
  });

  it('counts a retry after a lost answer as committed, and posts nothing more', async () => {
    const proxy = await startDroppingProxy(node.url);
    try {
      const app = await openPoster(tempDir('acts-lost'), proxy.url);
      dirs.push(app.outbox.dir);
      const partial = await issue(await authority(), 'Dr Lost Answer');
      // Every answer lost, the transport's own immediate resend of a reset request included.
      proxy.dropPostAnswers(Infinity);
      const first = await postPartial(app.poster, partial);
      // The node committed it, but the answer never came back: the act stays queued.
      expect(first.outcome).toBe('queued');
      expect(app.outbox.get(first.tx.id)?.lastError).toMatch(/No ledger node answered/);
      expect(await onLedger(first.tx.id, first.tx.id)).toBe(1);
      const lost = proxy.posts;
      expect(lost).toBeGreaterThanOrEqual(1);

      proxy.dropPostAnswers(0);
      await new Promise((r) => setTimeout(r, 150)); // past the client's quarantine
      await app.poster.flush();
      expect(app.outbox.all()).toEqual([]);
      // One retry, which the node refused as a transaction it already holds: counted as committed, not as a failure.
      expect(proxy.posts).toBe(lost + 1);
      expect(proxy.delivered).toHaveLength(1);
      expect(proxy.delivered[0]).toBeGreaterThanOrEqual(400);
      await app.poster.flush();
      expect(proxy.posts).toBe(lost + 1);
      expect(await onLedger(first.tx.id, first.tx.id)).toBe(1);
      const view = await new CredentialRegistry(hospital.client, hospital.authorityId).load();
      expect(view.practitioners(new Date()).filter((p) => p.name === 'Dr Lost Answer')).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('reports a refused act with the node’s reason and keeps it, marked rejected', async () => {
    const app = await openPoster(tempDir('acts-refused'));
    dirs.push(app.outbox.dir);
    const current = await authority();
    // Two acts spending the same output of the authority: the node takes the first and refuses the second.
    const taken = await signed(prepareEmergencyKey(current, newKey()));
    const spentTwice = await signed(prepareEmergencyKey(current, newKey()));
    expect((await postPartial(app.poster, taken)).outcome).toBe('committed');
    const refused = postPartial(app.poster, spentTwice);
    await expect(refused).rejects.toBeInstanceOf(NodeRejectedError);
    await expect(refused).rejects.toThrow(/rejected the transaction: .+/);
    const [kept] = app.outbox.all();
    expect(kept?.state).toBe('rejected');
    expect(kept?.kind).toBe('authority');
    expect(kept?.lastError).toBeTruthy();
    expect(app.poster.isQueued(kept!.tx.id)).toBe(false);
  });

  it('hospital post queues while no node answers; the next command that reaches the node posts it', async () => {
    const work = tempDir('acts-cli');
    dirs.push(work);
    const file = join(work, 'issue.partial.json');
    const partial = await issue(await authority(), 'Dr Command Line');
    writeFileSync(file, JSON.stringify(partial));
    const outbox = join(work, 'outbox');
    const cli = async (args: string[]) => {
      try {
        const { stdout } = await run(
          'node_modules/.bin/tsx',
          ['src-main/cli/index.ts', 'hospital', ...args, '--node', `http://127.0.0.1:${port}`, '--outbox', outbox],
          { env: { ...process.env, HC_LEDGER_TOKEN: NODE_TOKEN }, cwd: process.cwd(), timeout: 90_000 },
        );
        return { code: 0, stdout };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
      }
    };

    await stopNode();
    const queued = await cli(['post', file]);
    expect(queued.code, queued.stdout).toBe(0);
    expect(queued.stdout).toMatch(/^Queued: [0-9a-f]{64}/);
    expect(queued.stdout).toMatch(/posted when the node is reachable/);
    const txId = /Queued: ([0-9a-f]{64})/.exec(queued.stdout)![1]!;

    node = await startNode(nodeData, port);
    const listed = await cli(['credentials', '--authority', hospital.authorityId]);
    expect(listed.code, listed.stdout).toBe(0);
    expect(listed.stdout).toContain('Dr Command Line');
    expect(await onLedger(txId, txId)).toBe(1);

    // Posting the same file again is the same act: "already on the ledger", not a second one.
    const repeated = await cli(['post', file]);
    expect(repeated.stdout).toMatch(/^(Already on the ledger|Posted): /);
    expect(await onLedger(txId, txId)).toBe(1);
  });
});

/** A proxy on 127.0.0.1 in front of the node that can forward a POST and then drop the node's answer. */
async function startDroppingProxy(target: string) {
  let drop = 0;
  let posts = 0;
  const delivered: number[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const isPost = req.method === 'POST';
    if (isPost) posts++;
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: {
        'content-type': 'application/json',
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const body = await upstream.text();
    if (isPost && drop > 0) {
      drop--;
      req.socket.destroy(); // the node has answered; the client never hears it
      return;
    }
    if (isPost) delivered.push(upstream.status);
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    get posts() {
      return posts;
    },
    /** POST answers the node gives and the client never gets. */
    dropPostAnswers(count: number) {
      drop = count;
    },
    delivered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The ledger network check (src-main/ledger/network-check.ts and `npm run cli -- network check`) against real
// embedded nodes over HTTP on 127.0.0.1: two nodes on one chain (the second started from a copy of the first's data,
// as a rebuilt node would be), a node that is down, a node on another chain, a node that lags behind, and a node whose
// advertised stream cannot be opened (a real node behind a proxy that passes it the wrong Host).
import { execFile } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkCheckSchema } from '../../../src-shared/ipc/network-check';
import { generateToken } from '../../../src-main/ledger-node/http/access';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { checkNetwork } from '../../../src-main/ledger/network-check';
import { makeKey } from './support/keys';
import { tempDataDir } from './support/target';
import { createTx } from './support/transactions';

const run = promisify(execFile);
// A hospital's BigchainDB nodes take no token: the nodes here run open, as `npm run ledger -- --open` does.
const OPEN = { kind: 'open' } as const;

async function commit(node: LedgerNode, count: number, token?: string): Promise<void> {
  const key = makeKey();
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${node.apiUrl}transactions?mode=commit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(createTx(key, { n: i, r: Math.random() }, null)),
    });
    expect(res.status).toBe(202);
  }
}

/** A real reverse proxy that hands the node another Host header: the node then advertises a stream URL nobody serves. */
function wrongHostProxy(target: LedgerNode, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const upstream = request(
      { host: target.host, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const dirs: ReturnType<typeof tempDataDir>[] = [];
const nodes: LedgerNode[] = [];
let a: LedgerNode; // chain A, ahead
let b: LedgerNode; // chain A, started from a copy of a's data
let c: LedgerNode; // another chain
let downUrl: string;
let proxy: Server;

beforeAll(async () => {
  const dirA = tempDataDir('netcheck-a-');
  const dirB = tempDataDir('netcheck-b-');
  const dirC = tempDataDir('netcheck-c-');
  const dirDown = tempDataDir('netcheck-down-');
  dirs.push(dirA, dirB, dirC, dirDown);
  a = await startLedgerNode({ dataDir: dirA.path, port: 0, access: OPEN });
  await commit(a, 3);
  await a.stop();
  cpSync(dirA.path, dirB.path, { recursive: true });
  // `a` answers for the proxy's name too (as `--allow-host` allows), so the proxy below makes it advertise a stream nobody serves.
  a = await startLedgerNode({ dataDir: dirA.path, port: 0, access: OPEN, allowedHosts: ['localhost:1'] });
  b = await startLedgerNode({ dataDir: dirB.path, port: 0, access: OPEN });
  c = await startLedgerNode({ dataDir: dirC.path, port: 0, access: OPEN });
  await commit(c, 5);
  const down = await startLedgerNode({ dataDir: dirDown.path, port: 0, access: OPEN });
  downUrl = down.url;
  await down.stop(); // its port is closed now
  nodes.push(a, b, c);
  proxy = await wrongHostProxy(a, 'localhost:1');
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  for (const node of nodes) await node.stop();
  for (const dir of dirs) dir.remove();
});

describe('network check against embedded nodes', () => {
  it('reports two nodes of one chain at one height as OK, with every stream opening', async () => {
    const result = await checkNetwork([a.url, `${b.url}/api/v1/`]);
    expect(networkCheckSchema.parse(result)).toEqual(result);
    expect(result.verdict).toBe('ok');
    expect(result.problems).toEqual([]);
    expect(result.chains).toHaveLength(1);
    expect(result.chains[0]!.nodes).toEqual([1, 2]);
    expect(result.chains[0]!.validators).toMatch(/^1 validator, total power 10, key fingerprint [0-9a-f]{8}$/);
    for (const node of result.nodes) {
      expect(node).toMatchObject({
        reachable: true,
        version: '2.2.2',
        height: 3,
        chain: 'A',
        streamOpens: true,
        error: null,
      });
      expect(node.streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/streams\/valid_transactions$/);
    }
    expect(result.nodes[1]!.url).toBe(b.url); // the configured /api/v1/ suffix is dropped
    expect(result.summary).toBe('All 2 nodes answer, on one chain at height 3; every event stream opens.');
    expect(result.notes).toContain('Chains compared by validators and by the transactions in block 3.');
    expect(result.text).toContain('Result:     OK - All 2 nodes answer');
    expect(result.text).toMatch(
      /Node 2 {2}http:\/\/127\.0\.0\.1:\d+\n {2}answers: {2}yes, BigchainDB 2\.2\.2, \d+ ms\n {2}chain: {4}A \(1 validator/,
    );
  });

  it('fails with one node down, naming it, and still checks the others', async () => {
    const result = await checkNetwork([a.url, downUrl, b.url], { timeoutMs: 3000 });
    expect(result.verdict).toBe('failed');
    expect(result.nodes[1]).toMatchObject({
      url: downUrl,
      reachable: false,
      height: null,
      chain: null,
      streamOpens: null,
    });
    expect(result.nodes[1]!.error).toMatch(/^does not answer: .*ECONNREFUSED/);
    expect(result.problems).toEqual([
      {
        severity: 'failed',
        message: expect.stringMatching(new RegExp(`^node 2 \\(${downUrl}\\) does not answer: .*ECONNREFUSED`)),
      },
    ]);
    expect(result.chains).toEqual([{ label: 'A', validators: expect.any(String), nodes: [1, 3] }]);
    expect(result.summary).toBe('1 of 3 nodes does not answer; 1 problem (see below).');
    expect(result.text).toMatch(/Node 2 {2}http:\/\/127\.0\.0\.1:\d+\n {2}answers: {2}NO - does not answer: /);
    expect(result.text).toMatch(/\nProblems\n {2}FAILED {3}node 2 \(/);
  });

  it("fails when the nodes are on different chains, and reports each node's height", async () => {
    const result = await checkNetwork([a.url, c.url, b.url]);
    expect(result.verdict).toBe('failed');
    expect(result.nodes.map((n) => [n.height, n.chain])).toEqual([
      [3, 'A'],
      [5, 'B'],
      [3, 'A'],
    ]);
    expect(result.chains.map((chain) => chain.nodes)).toEqual([[1, 3], [2]]);
    expect(result.chains[0]!.validators).not.toBe(result.chains[1]!.validators);
    expect(result.problems.map((p) => p.message)).toEqual([
      'The nodes are on 2 different chains (chain A: nodes 1, 3; chain B: node 2). Nodes of one network share one genesis: see "Joining a network" in docker/README.md.',
    ]);
    expect(result.summary).toBe('2 different chains; 1 problem (see below).');
  });

  it('warns about a node of the same chain that lags behind, beyond the tolerance', async () => {
    await commit(a, 3);
    const lagging = await checkNetwork([a.url, b.url], { heightTolerance: 1 });
    expect(lagging.verdict).toBe('warning');
    expect(lagging.nodes.map((n) => n.height)).toEqual([6, 3]);
    expect(lagging.chains).toHaveLength(1); // compared at block 3, which both hold
    expect(lagging.problems).toEqual([
      {
        severity: 'warning',
        message: `node 2 (${b.url}) is 3 blocks behind (height 3 of 6): it is catching up, or cut off from its peers.`,
      },
    ]);
    const tolerated = await checkNetwork([a.url, b.url], { heightTolerance: 3 });
    expect(tolerated.verdict).toBe('ok');
    expect(tolerated.notes).toContain('Heights on chain A differ by 3: blocks committed while the check ran.');
  });

  it("fails when a node's advertised stream does not open", async () => {
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const result = await checkNetwork([url], { timeoutMs: 3000 });
    expect(result.verdict).toBe('failed');
    expect(result.nodes[0]).toMatchObject({
      reachable: true,
      streamUrl: 'ws://localhost:1/api/v1/streams/valid_transactions',
      streamOpens: false,
    });
    expect(result.problems).toEqual([
      {
        severity: 'failed',
        message: expect.stringMatching(
          /^node 1 \(.*\): its event stream ws:\/\/localhost:1\/api\/v1\/streams\/valid_transactions does not open: .*ECONNREFUSED/,
        ),
      },
    ]);
    expect(result.notes).toContain('Only one node is configured: the app has no node to fail over to.');
  });
});

describe('npm run cli -- network check', { timeout: 120_000 }, () => {
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(
        'node_modules/.bin/tsx',
        ['src-main/cli/index.ts', 'network', 'check', ...args],
        { cwd: process.cwd(), timeout: 90_000 },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };

  it('reads a token node (the embedded node, `npm run ledger`) with its token only', async () => {
    const dir = tempDataDir('netcheck-token-');
    dirs.push(dir);
    const token = generateToken();
    const guarded = await startLedgerNode({ dataDir: dir.path, port: 0, access: { kind: 'token', token } });
    try {
      await commit(guarded, 2, token);
      const withToken = await checkNetwork([guarded.url], { bearerTokenFor: () => token });
      expect(withToken.nodes[0]).toMatchObject({ reachable: true, height: 2, streamOpens: true, error: null });
      const without = await checkNetwork([guarded.url]);
      expect(without.verdict).toBe('failed');
      expect(without.nodes[0]!.error).toMatch(/^answers, but its chain data cannot be read: .*HTTP 401/);
    } finally {
      await guarded.stop();
    }
  });

  it('prints the plain-text report and exits 0 for a healthy network, 1 with a node down', async () => {
    const healthy = await cli('--node', a.url, '--node', b.url, '--node', c.url.replace('127.0.0.1', 'localhost'));
    expect(healthy.code).toBe(1); // c is another chain
    expect(healthy.stdout).toMatch(
      /^HealthChain ledger network check\nChecked at: \d{4}-\d\d-\d\dT[\d:.]+Z\nResult: {5}FAILED - 2 different chains/,
    );
    const good = await cli('--node', a.url);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/Result: {5}OK - All 1 node answer/);
    const down = await cli('--node', downUrl, '--json');
    expect(down.code).toBe(1);
    const parsed = networkCheckSchema.parse(JSON.parse(down.stdout));
    expect(parsed.nodes[0]).toMatchObject({ url: downUrl, reachable: false });
  });

  it('refuses a wrong sub-command', async () => {
    const bad = await cli('now');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('network: expected "check"');
  });
});

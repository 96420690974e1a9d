// Checks a configured ledger network from a workstation, over what a BigchainDB 2.2.2 node exposes to workstations
// (its HTTP API and event stream; Tendermint's RPC stays on the node's host): every node answers, all are on one
// chain at about the same height, and each node's advertised event stream opens. Used by `npm run cli -- network
// check` and the network.check channel (Settings → Ledger nodes).
//
// BigchainDB's HTTP API has no chain id and no "latest block" endpoint, so:
// - height: GET /api/v1/blocks/<n> answers 200 for every n up to the latest height and 404 above it (lib.py
//   get_block), so the latest height is found by doubling, then bisecting;
// - chain: nodes are on the same chain when they list the same validators (GET /api/v1/validators) and hold the same
//   transactions in the same block (the newest non-empty block at or below the lowest height among them).
import { createHash } from 'node:crypto';
import type { NetworkCheck } from '../../src-shared/ipc/network-check';
import { formatNetworkReport } from './network-report';
import {
  advertisedStreamProblem,
  blockTransactionIds,
  describeFailure,
  openStream,
  probeNode,
  type HeadersFor,
  type Probe,
} from './network-probe';

export interface NetworkCheckOptions {
  /** Per request and for each stream to open. */
  timeoutMs?: number;
  /** Nodes of one chain this many blocks apart are still "at the same height" (blocks committed during the check). */
  heightTolerance?: number;
  /** How far below the lowest height to look for a non-empty block to compare. */
  compareDepth?: number;
  now?: () => Date;
  /** The embedded node's bearer token for its base URL (null for any other node). */
  bearerTokenFor?: (base: string) => string | null;
}

type Problem = NetworkCheck['problems'][number];

function validatorsLabel(validators: { key: string; power: number }[]): string {
  const digest = createHash('sha256')
    .update(validators.map((v) => `${v.key}:${v.power}`).join('\n'))
    .digest('hex')
    .slice(0, 8);
  const power = validators.reduce((sum, v) => sum + v.power, 0);
  return `${validators.length} validator${validators.length === 1 ? '' : 's'}, total power ${power}, key fingerprint ${digest}`;
}

export async function checkNetwork(urls: readonly string[], options: NetworkCheckOptions = {}): Promise<NetworkCheck> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const tolerance = options.heightTolerance ?? 2;
  const depth = options.compareDepth ?? 16;
  const checkedAt = (options.now ?? (() => new Date()))().toISOString();
  const problems: Problem[] = [];
  const notes: string[] = [];
  const headersFor: HeadersFor = (base) => {
    const token = options.bearerTokenFor?.(base) ?? null;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    return headers;
  };
  const name = (p: Probe) => `node ${p.index} (${p.check.url})`;

  if (urls.length === 0) {
    problems.push({ severity: 'failed', message: 'No ledger node is configured.' });
  }
  const probes = await Promise.all(urls.map((url, i) => probeNode(i + 1, url, timeoutMs, headersFor)));

  for (const p of probes) {
    if (p.check.error) problems.push({ severity: 'failed', message: `${name(p)} ${p.check.error}.` });
  }

  // Streams: every reachable node's advertised URL must open from here (checked together, reported in node order).
  const streamProblems = await Promise.all(
    probes.map(async (p): Promise<Problem | null> => {
      if (!p.check.reachable) return null;
      const problem = advertisedStreamProblem(p.check.url, p.check.streamUrl);
      if (problem) {
        p.check.streamOpens = false;
        return { severity: 'failed', message: `${name(p)} ${problem}.` };
      }
      const error = await openStream(p.check.streamUrl!, timeoutMs, headersFor(p.base!));
      p.check.streamOpens = error === null;
      if (error)
        return {
          severity: 'failed',
          message: `${name(p)}: its event stream ${p.check.streamUrl} does not open: ${error}.`,
        };
      if (p.check.url.startsWith('https:') && p.check.streamUrl!.startsWith('ws:')) {
        return {
          severity: 'warning',
          message: `${name(p)} is reached over https but advertises its stream without TLS (${p.check.streamUrl}): set BDB_WS_ADVERTISED_SCHEME=wss behind the proxy.`,
        };
      }
      return null;
    }),
  );
  problems.push(...streamProblems.filter((p): p is Problem => p !== null));

  // Chains: group by validator set and the contents of one block every node has.
  const comparable = probes.filter((p) => p.check.height !== null && p.validators !== null && p.base !== null);
  const chains: NetworkCheck['chains'] = [];
  if (comparable.length > 0) {
    const lowest = Math.min(...comparable.map((p) => p.check.height!));
    let compareAt = lowest;
    try {
      // The newest non-empty block at or below the lowest height (Tendermint commits empty blocks too).
      const reference = comparable[0]!;
      for (let h = lowest; h >= Math.max(1, lowest - depth); h--) {
        if ((await blockTransactionIds(reference.base!, h, timeoutMs, headersFor(reference.base!))).length > 0) {
          compareAt = h;
          break;
        }
      }
      const contents = await Promise.all(
        comparable.map((p) =>
          blockTransactionIds(p.base!, compareAt, timeoutMs, headersFor(p.base!)).then(
            (ids) => ids.join(','),
            (error) => `unreadable: ${describeFailure(error, timeoutMs)}`,
          ),
        ),
      );
      const groups = new Map<string, Probe[]>();
      comparable.forEach((p, i) => {
        const key = `${validatorsLabel(p.validators!)}|${contents[i]}`;
        groups.set(key, [...(groups.get(key) ?? []), p]);
      });
      [...groups.entries()].forEach(([key, members], i) => {
        const label = String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : '');
        for (const m of members) m.check.chain = label;
        chains.push({ label, validators: key.split('|')[0]!, nodes: members.map((m) => m.index) });
      });
      if (compareAt === 0 || contents.every((c) => c === '')) {
        notes.push(
          `No transactions at or just below height ${lowest}: the nodes were compared by their validators only.`,
        );
      } else {
        notes.push(`Chains compared by validators and by the transactions in block ${compareAt}.`);
      }
    } catch (error) {
      problems.push({
        severity: 'failed',
        message: `The chains could not be compared: ${describeFailure(error, timeoutMs)}.`,
      });
    }
    if (chains.length > 1) {
      const list = chains
        .map((c) => `chain ${c.label}: node${c.nodes.length > 1 ? 's' : ''} ${c.nodes.join(', ')}`)
        .join('; ');
      problems.push({
        severity: 'failed',
        message: `The nodes are on ${chains.length} different chains (${list}). Nodes of one network share one genesis: see "Joining a network" in docker/README.md.`,
      });
    }
    for (const chain of chains) {
      const members = probes.filter((p) => p.check.chain === chain.label);
      const top = Math.max(...members.map((p) => p.check.height!));
      for (const p of members) {
        const behind = top - p.check.height!;
        if (behind > tolerance)
          problems.push({
            severity: 'warning',
            message: `${name(p)} is ${behind} blocks behind (height ${p.check.height} of ${top}): it is catching up, or cut off from its peers.`,
          });
      }
      const spread = top - Math.min(...members.map((p) => p.check.height!));
      if (spread > 0 && spread <= tolerance)
        notes.push(`Heights on chain ${chain.label} differ by ${spread}: blocks committed while the check ran.`);
    }
  }
  const versions = new Set(probes.map((p) => p.check.version).filter(Boolean));
  if (versions.size > 1)
    problems.push({
      severity: 'warning',
      message: `The nodes run different BigchainDB versions: ${[...versions].join(', ')}.`,
    });
  if (urls.length === 1) notes.push('Only one node is configured: the app has no node to fail over to.');
  notes.push(
    "The chain id is not part of BigchainDB's HTTP API: on a node's host, `curl -s 127.0.0.1:<RPC port>/status` shows Tendermint's chain_id and latest_block_height.",
  );

  const failed = problems.some((p) => p.severity === 'failed');
  const verdict: NetworkCheck['verdict'] = failed ? 'failed' : problems.length ? 'warning' : 'ok';
  const answering = probes.filter((p) => p.check.reachable).length;
  const heights = probes.map((p) => p.check.height).filter((h): h is number => h !== null);
  const summary =
    verdict === 'ok'
      ? `All ${urls.length} node${urls.length === 1 ? '' : 's'} answer, on one chain at height ${Math.max(...heights)}; every event stream opens.`
      : [
          answering < urls.length
            ? `${urls.length - answering} of ${urls.length} node${urls.length === 1 ? '' : 's'} do${urls.length - answering === 1 ? 'es' : ''} not answer`
            : null,
          chains.length > 1 ? `${chains.length} different chains` : null,
          `${problems.length} problem${problems.length === 1 ? '' : 's'} (see below)`,
        ]
          .filter(Boolean)
          .join('; ') + '.';
  const result: Omit<NetworkCheck, 'text'> = {
    checkedAt,
    verdict,
    summary,
    nodes: probes.map((p) => p.check),
    chains,
    problems,
    notes,
  };
  return { ...result, text: formatNetworkReport(result) };
}

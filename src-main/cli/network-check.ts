// `npm run cli -- network check [--node <url> …] [--json]`: the ledger network check for IT (see
// src-main/ledger/network-check.ts). Without --node it checks the node URLs IT pinned in this machine's managed
// settings. Exit code 0 when every node answers on one chain with its stream (warnings included), 1 otherwise.
import { checkNetwork } from '../ledger/network-check';
import { createManagedSettingsReader } from '../settings';
import type { CliOptions } from './args';

export class NetworkCheckUsageError extends Error {}

async function managedNodeUrls(): Promise<{ urls: string[]; source: string }> {
  const reader = createManagedSettingsReader('org.healthchain.workstation');
  const result = await reader.read();
  if (result.status === 'rejected')
    throw new NetworkCheckUsageError(
      `The managed settings (${result.source}) are ignored: ${result.reason}. Give the nodes with --node <url>.`,
    );
  return { urls: result.status === 'ok' ? [...(result.values.nodeUrls ?? [])] : [], source: result.source };
}

export async function runNetworkCheck(options: CliOptions, write: (text: string) => void): Promise<number> {
  let urls = options.nodes;
  if (urls.length === 0) {
    const managed = await managedNodeUrls();
    if (managed.urls.length === 0)
      throw new NetworkCheckUsageError(
        `No node URLs: give them with --node <url> (repeatable), or pin nodeUrls in the managed settings (${managed.source}).`,
      );
    urls = managed.urls;
  }
  // A node started by `npm run ledger` wants its token (HC_LEDGER_TOKEN), as every other CLI command sends it.
  const token = process.env.HC_LEDGER_TOKEN || null;
  const result = await checkNetwork(urls, { bearerTokenFor: () => token });
  write(options.json ? JSON.stringify(result, null, 2) : result.text.trimEnd());
  return result.verdict === 'failed' ? 1 : 0;
}

// A workstation for the list checkpoint's tests: the real chart service over its own parts (its own outbox and
// verified cache), on the test node as a v3 writer under the test's authority, its node client's chart reads recorded
// (a spy on the real client: every read still goes to the node).
import { chartServiceOf, type ChartService } from '../../../src-main/records/chart-service';
import { openChartParts, type ChartServiceOptions } from '../../../src-main/records/chart-parts';
import { NODE_TOKEN, tempDir, testCards } from '../charts/harness';

export interface CheckpointWorkstation {
  service: ChartService;
  /** The charts (of those named) whose transactions this workstation fetched since the last call. */
  fetched: (charts: readonly string[]) => string[];
}

export async function checkpointWorkstation(
  nodeUrl: string,
  authorityId: () => string,
  options: Partial<ChartServiceOptions>,
  { dirs, opened }: { dirs: string[]; opened: ChartService[] },
): Promise<CheckpointWorkstation> {
  const dir = tempDir('list-checkpoint-ws');
  dirs.push(dir);
  const parts = await openChartParts({
    nodeUrls: [nodeUrl],
    outboxDir: `${dir}/outbox`,
    cacheDir: `${dir}/cache`,
    cards: testCards(),
    client: { readTimeoutMs: 5000, postTimeoutMs: 10_000, bearerTokenFor: () => NODE_TOKEN },
    authorityId,
    ledgerEnvelope: () => 'v3',
    liveStream: false,
    verifyWorkers: 0,
    ...options,
  });
  // The authority's registry is read the same way (its ceremony and credentials): only chart ids are counted.
  let fetched = new Set<string>();
  const { listTransactions } = parts.client;
  parts.client.listTransactions = (id) => (fetched.add(id), listTransactions.call(parts.client, id));
  const service = chartServiceOf(parts);
  opened.push(service);
  return {
    service,
    fetched: (named) => {
      const read = named.filter((id) => fetched.has(id));
      fetched = new Set();
      return read;
    },
  };
}

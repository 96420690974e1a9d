// A node can leave a chart's newest versions out of its answer (a rollback): every version it returns still verifies.
// So a head is accepted only if (docs/AUTHORITY.md §"Fresh heads"):
//  - it is not lower than the highest version this reader saw of the chart (this session, or in its verified cache);
//  - with a hospital authority pinned: the node lists its output as unspent (a spent head with no later version
//    means one was withheld), and, with several nodes configured, a second node's newest transaction of the chart is
//    one the answer holds. (Each costs a request; with no authority pinned the app reads as before #12.)
// A second node that cannot be reached confirms nothing and refuses nothing: the other checks still stand.
import type { VerifiedVersion } from '../ledger/chain';
import { NodeAnswerError, NodeUnreachableError } from '../ledger/errors';
import type { LedgerNodeClient } from '../ledger/node-client';
import type { Tampering } from './chart-loader';

/** The unspent outputs (`txId:index`) of one key, as a node lists them. */
export type UnspentOf = (owner: string) => Promise<ReadonlySet<string>>;

export class FreshHeads {
  readonly #highest = new Map<string, { seq: number; txId: string }>();

  constructor(private readonly client: Pick<LedgerNodeClient, 'listOutputs' | 'lastTransactionOn' | 'nodeUrls'>) {}

  /** One query per owner: the outputs the node says are unspent. */
  readonly unspentOf: UnspentOf = async (owner) => {
    const { value } = await this.client.listOutputs(owner, { spent: false });
    return new Set(value.map((o) => `${o.transaction_id}:${o.output_index}`));
  };

  /** A head seen elsewhere (the doctor's list checkpoint): a later answer with less than it is a rollback. */
  remember(chartId: string, seq: number, txId: string): void {
    const known = this.#highest.get(chartId);
    if (!known || known.seq < seq) this.#highest.set(chartId, { seq, txId });
  }

  /**
   * Null when the head is fresh, else the rollback as tampering with its reason. `seenSeq`: the highest version the
   * reader's verified cache holds of the chart. `ask`: also ask the node(s) (unspent head, second node).
   */
  async check(
    chartId: string,
    versions: readonly VerifiedVersion[],
    nodeUrl: string,
    {
      seenSeq = 0,
      unspentOf = this.unspentOf,
      ask = true,
    }: { seenSeq?: number; unspentOf?: UnspentOf; ask?: boolean } = {},
  ): Promise<Tampering | null> {
    const head = versions.at(-1);
    if (!head) return null;
    const remembered = this.#highest.get(chartId);
    const highest = Math.max(remembered?.seq ?? 0, seenSeq);
    if (highest > head.seq) {
      return {
        seq: highest,
        txId: remembered?.seq === highest ? remembered.txId : null,
        reason: `The node withheld version ${highest} seen before: it returned versions up to ${head.seq}`,
      };
    }
    // A v3 version that closed the chart to this reader: it can prove nothing after it (docs/UNLINKABLE.md §4).
    const asking = ask && head.outputKey !== null;
    if (asking && !(await unspentOf(head.outputKey ?? head.owner)).has(`${head.txId}:0`)) {
      return {
        seq: head.seq + 1,
        txId: null,
        reason: `The node withheld the newest version: it says version ${head.seq} was spent but returned no later version`,
      };
    }
    const other = asking ? this.client.nodeUrls.find((url) => url !== nodeUrl) : undefined;
    if (other) {
      const newest = await this.#newestOn(other, chartId);
      if (newest && !versions.some((v) => v.txId === newest)) {
        return {
          seq: head.seq + 1,
          txId: newest,
          reason: `Nodes disagree on the newest version: ${other} has transaction ${newest} of this chart, which ${nodeUrl} did not return`,
        };
      }
    }
    if (!remembered || remembered.seq < head.seq) this.#highest.set(chartId, { seq: head.seq, txId: head.txId });
    return null;
  }

  async #newestOn(nodeUrl: string, chartId: string): Promise<string | null> {
    try {
      const id = ((await this.client.lastTransactionOn(nodeUrl, chartId))[0] as { id?: unknown } | undefined)?.id;
      return typeof id === 'string' ? id : null;
    } catch (error) {
      if (error instanceof NodeUnreachableError || error instanceof NodeAnswerError) return null;
      throw error;
    }
  }
}

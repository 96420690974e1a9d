// Posts the hospital authority's acts through the durable outbox, as chart versions are (docs/AUTHORITY.md, "Acts
// through the outbox"): the signed act is on disk before it is posted, so a node that does not answer leaves it
// queued, and the sender's retries post it once the node is back, after a restart too. A retry after a lost answer
// is recognised as committed (LedgerNodeClient.post reads the transaction back). An act spending an act still
// queued waits for it (OutboxSender). What is stored is the signed transaction as posted: public credential data,
// recovery shares sealed to each officer's box key, chart envelopes sealed to their readers; no secret in clear.
import type { Transaction } from '../../src-shared/ledger';
import type { Answer, PostOutcome } from './node-client';
import type { Outbox } from './outbox';
import type { OutboxSender } from './outbox-sender';

/** 'queued': signed and on disk in the outbox, posted when a node answers. */
export type QueuedOutcome = PostOutcome | 'queued';

export class OutboxPoster {
  constructor(
    private readonly outbox: Outbox,
    private readonly sender: OutboxSender,
  ) {}

  /**
   * Queues `tx` and tries to post it at once. Committed (or already on the ledger) → 'committed'. No node answered
   * → 'queued', nodeUrl ''. Rejected → NodeRejectedError with the node's reason; the record stays, marked rejected,
   * until discarded (`outbox discard`), as a rejected chart version does. Posting the same act again (the same
   * transaction id, e.g. `hospital post` of the same file) reuses its record: it is never queued twice.
   */
  async post(tx: { id: string }, _mode: 'commit' | 'sync' = 'commit'): Promise<Answer<QueuedOutcome>> {
    const signed = tx as Transaction;
    const record =
      this.outbox.get(signed.id) ??
      (await this.outbox.add({
        tx: signed,
        kind: 'authority',
        chartId: null,
        action: 'act',
        seq: null,
        author: signed.inputs[0]?.owners_before.join(',') ?? '',
        createdAt: new Date().toISOString(),
      }));
    const outcome = await this.sender.submit(record);
    return outcome.status === 'committed'
      ? { value: 'committed', nodeUrl: outcome.nodeUrl }
      : { value: 'queued', nodeUrl: '' };
  }

  /** True while `txId` waits in the outbox to be posted (not once committed, nor once the node rejected it). */
  isQueued(txId: string): boolean {
    return this.outbox.get(txId)?.state === 'pending';
  }

  /** Posts whatever earlier runs left queued (the CLI calls this first, so the next command sends them). */
  flush(): Promise<void> {
    return this.sender.flush({ force: true });
  }

  /** The authority's acts still in the outbox, oldest first. */
  queued() {
    return this.outbox.items().filter((item) => item.kind === 'authority');
  }
}

// Opens a format-1 data directory as format 2: the search indexes and `seq-ids` are rebuilt from the stored
// transactions (which, like every other table, are kept as they are), then the format-1 term tables are dropped.
// The rebuild runs in several lmdb transactions, a group of whole blocks each, and records in the same transaction
// how far it got ('upgrade-height'); the format is switched only in the last one. A crash or kill part-way leaves
// a format-1 directory whose next open continues from the last group written. (About 0.3 ms a chart here; the app
// gives the node 15 minutes to open its data once its process runs: src-main/app/embedded-node.ts.)
import type { Database, RootDatabase } from 'lmdb';
import { BlockPostings } from './block-postings';
import type { IndexKind, Put, TermIndex } from './term-index';
import type { TxShape } from './tx-shape';

export interface Format1Tables {
  readonly root: RootDatabase;
  readonly meta: Database<unknown, string>;
  readonly blocks: Database<string[], number>;
  readonly txs: Database<string, string>;
  readonly positions: Database<[number, number], string>;
  readonly seqIds: Database<string, number>;
  readonly indexes: Record<IndexKind, TermIndex>;
  readonly merges: Database<true, [IndexKind, number, number]>;
}

// Transactions per rebuilt run (a group ends with the block that reaches it), and the level those runs get: as if
// they had been merged from single-transaction blocks, so that live blocks' runs (level 0 and up) come after.
const REBUILD_GROUP = 4096;
const REBUILD_LEVEL = 4;
const PROGRESS = 'upgrade-height';

export function upgradeFromFormat1(t: Format1Tables): void {
  const height = (t.meta.get('height') as number | undefined) ?? 0;
  const done = t.meta.get(PROGRESS) as number | undefined;
  if (done === undefined) {
    // Nothing of a rebuild recorded: whatever the new tables hold is not trusted.
    t.root.transactionSync(() => {
      t.seqIds.clearSync();
      t.merges.clearSync();
      t.indexes.assets.clearSync();
      t.indexes.metadata.clearSync();
    });
  }

  let group: { first: number; last: number; postings: BlockPostings; seqIds: [number, string][] } | null = null;
  const writeGroup = (throughHeight: number) => {
    const put: Put = (db, key, value) => void db.putSync(key, value);
    t.root.transactionSync(() => {
      if (group) {
        const { first, last, postings, seqIds } = group;
        for (const [seq, id] of seqIds) t.seqIds.putSync(seq, id);
        t.indexes.assets.addRun(postings.assets, first, last, REBUILD_LEVEL, put);
        t.indexes.metadata.addRun(postings.metadata, first, last, REBUILD_LEVEL, put);
      }
      t.meta.putSync(PROGRESS, throughHeight);
    });
    group = null;
  };

  for (let h = (done ?? 0) + 1; h <= height; h++) {
    for (const id of t.blocks.get(h) ?? []) {
      const json = t.txs.get(id);
      const seq = t.positions.get(id)?.[1];
      if (json === undefined || seq === undefined) {
        throw new Error(`ledger data is inconsistent: transaction ${id} of block ${h} is not stored; not upgrading it`);
      }
      group ??= { first: seq, last: seq, postings: new BlockPostings(), seqIds: [] };
      group.postings.add(JSON.parse(json) as TxShape, seq);
      group.seqIds.push([seq, id]);
      group.last = seq;
    }
    if (group && group.seqIds.length >= REBUILD_GROUP) writeGroup(h);
  }
  if (group) writeGroup(height);

  t.root.transactionSync(() => {
    t.root.openDB('asset-terms', {}).dropSync();
    t.root.openDB('metadata-terms', {}).dropSync();
    t.meta.removeSync(PROGRESS);
    t.meta.putSync('format', 2);
  });
}

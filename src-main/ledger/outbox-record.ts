// One outbox record: a signed transaction with its retry state, as the outbox stores it (JSON) and hands it out.
import type { Transaction } from '../../src-shared/ledger';
import type { ChartAction } from '../../src-shared/records/actions';

export type OutboxState = 'pending' | 'rejected';

/** A signed transaction waiting in the outbox, without the transaction (the IPC contract's OutboxItem is made from it). */
export interface OutboxEntry {
  txId: string;
  /** 'authority': an act of the hospital authority's quorum or an officer (credential, custody, emergency key, ...). */
  kind: 'chart' | 'practitioner' | 'authority';
  chartId: string | null;
  /** A chart version's action, 'publish' for a directory entry, 'act' for an authority act. */
  action: ChartAction | 'publish' | 'act';
  seq: number | null;
  createdAt: string;
  attempts: number;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  /** Last network error, or the node's rejection reason for a 'rejected' item. */
  lastError: string | null;
  state: OutboxState;
}

/** An outbox entry with the transaction itself and who signed it. */
export interface OutboxRecord extends Omit<OutboxEntry, 'txId'> {
  version: 1;
  tx: Transaction;
  /** signKey of the signer, so each doctor sees their own recent actions. */
  author: string;
}

export type RetryState = Pick<OutboxRecord, 'attempts' | 'lastAttemptAt' | 'nextAttemptAt' | 'lastError' | 'state'>;

/** What a caller supplies; the outbox starts the retry state. */
export type NewOutboxRecord = Omit<OutboxRecord, 'version' | keyof RetryState>;

export function toItem(record: OutboxRecord): OutboxEntry {
  const { version: _version, tx, author: _author, ...item } = record;
  return { txId: tx.id, ...item };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTextOrNull = (v: unknown) => v === null || typeof v === 'string';

/**
 * The record stored as `text` under `txId`, or null when it is not one (not JSON, another format or id, a field
 * the outbox orders or retries by missing). The caller keeps what it cannot read: it may hold a signed transaction.
 */
export function parseOutboxRecord(text: string, txId: string): OutboxRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value) || value.version !== 1 || !isObject(value.tx) || value.tx.id !== txId) return null;
  const fieldsOk =
    (value.kind === 'chart' || value.kind === 'practitioner' || value.kind === 'authority') &&
    (value.state === 'pending' || value.state === 'rejected') &&
    typeof value.createdAt === 'string' &&
    typeof value.author === 'string' &&
    typeof value.action === 'string' &&
    (value.seq === null || Number.isInteger(value.seq)) &&
    isTextOrNull(value.chartId) &&
    Number.isInteger(value.attempts) &&
    isTextOrNull(value.lastAttemptAt) &&
    isTextOrNull(value.nextAttemptAt) &&
    isTextOrNull(value.lastError);
  return fieldsOk ? (value as unknown as OutboxRecord) : null;
}

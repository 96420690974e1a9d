// Records for the outbox's tests and its crash child (outbox-crash-child.ts): deterministic from their number, so
// a test can tell after a crash whether what it finds is exactly what was written. Each holds a sealed-size box
// (3 KB: a record spans lmdb pages, so a torn write would show).
import { createHash } from 'node:crypto';
import type { Transaction } from '../../src-shared/ledger';
import type { NewOutboxRecord, OutboxRecord } from './outbox-record';

export function testTxId(n: number): string {
  return createHash('sha256').update(`outbox-test-${n}`).digest('hex');
}

export function testRecord(n: number, overrides: Partial<NewOutboxRecord> = {}): NewOutboxRecord {
  const id = testTxId(n);
  const box = createHash('shake256', { outputLength: 2250 }).update(id).digest('base64');
  const tx = {
    id, version: '2.0', operation: 'CREATE', asset: { data: { type: 'hc.chart/1', chart: id.slice(0, 32) } },
    metadata: { type: 'hc.chart.version/1', action: 'create', seq: 1, box }, inputs: [], outputs: [],
  } as unknown as Transaction;
  return {
    tx, kind: 'chart', chartId: id, action: 'create', seq: 1, author: 'A', createdAt: new Date(Date.UTC(2026, 10, 25) + n).toISOString(), ...overrides,
  };
}

/** The record as add() stores it. */
export function storedTestRecord(n: number, overrides: Partial<NewOutboxRecord> = {}): OutboxRecord {
  return { version: 1, ...testRecord(n, overrides), attempts: 0, lastAttemptAt: null, nextAttemptAt: null, lastError: null, state: 'pending' };
}

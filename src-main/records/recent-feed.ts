// Keeps the signed-in doctors' recent actions live: the outbox sender reports commits and rejections, the node's
// stream announces every committed transaction (one a signed-in doctor wrote, once its chart verifies, is listed).
// Either also marks the chart's loaded copy stale, so it is fetched again before reuse.
import { isEnvelope } from '../../src-shared/crypto/envelope';
import type { ChartParts } from './chart-parts';

export function followRecentActions(parts: ChartParts): void {
  const { sender, stream, loader, recent, events, viewers, client } = parts;

  sender.on('changed', () => events.emit('outbox'));
  sender.on('committed', (record, nodeUrl) => {
    if (record.kind === 'chart' && record.chartId) {
      loader.markStale(record.chartId);
      recent.committed(record.tx.id, nodeUrl);
      events.emit('recent');
    }
  });
  sender.on('rejected', (record) => {
    recent.rejected(record.tx.id);
    events.emit('recent');
  });
  stream.on('event', (event) => {
    loader.markStale(event.asset_id);
    void onStreamEvent(event.transaction_id, event.asset_id);
  });
  stream.on('open', () => loader.markAllStale());
  stream.on('close', () => loader.markAllStale());

  /** A committed transaction seen on the stream: if a signed-in doctor wrote it, it is one of their actions. */
  async function onStreamEvent(txId: string, assetId: string): Promise<void> {
    if (viewers.size === 0 || recent.has(txId)) {
      if (recent.has(txId)) {
        recent.committed(txId, null);
        events.emit('recent');
      }
      return;
    }
    try {
      const { value } = await client.getTransaction(txId);
      const metadata = (value as { metadata?: unknown } | null)?.metadata;
      if (!isEnvelope(metadata)) return;
      const holder = viewers.get(metadata.author);
      if (!holder) return;
      // Only what verifies is listed: the whole chain is checked before the action is shown.
      const loaded = await loader.load(holder, assetId, 'head');
      const version = loaded.versions.find((v) => v.version.txId === txId);
      if (!version || loaded.tampered) return;
      recent.add(holder.signKey, {
        txId,
        chartId: assetId,
        action: version.version.envelope.action,
        seq: version.version.seq,
        at: version.version.envelope.at,
        patientName: loaded.versions.at(-1)?.payload?.chart.patient.name ?? null,
        status: 'committed',
      });
      events.emit('recent');
    } catch {
      // The stream is a convenience; a failed lookup leaves the list as it was.
    }
  }
}

// Keeps the pinned authority's registry current from the node's stream: a transaction of the authority or of one of
// its credentials (a renewal, a revocation), or a new credential naming the authority, ends the loaded registry, and
// every chart loaded this session is read again before reuse (its authors' status may have changed). While the stream
// was down anything may have been missed, so a reconnect does the same. The stream's heights are noted, so a chart
// read after its transaction was announced asks for no height. An authority act this app queued in the outbox does the
// same once the sender has posted it (without a stream, e.g. the CLI, nothing else would say so).
import { CREDENTIAL_TYPE } from '../../src-shared/authority';
import type { ChartParts } from './chart-parts';

export function followAuthority({ stream, client, authority, authors, loader, sender }: ChartParts): void {
  const refresh = (): void => {
    authority.invalidate();
    loader.markAllStale();
  };
  sender.on('committed', (record) => {
    if (record.kind === 'authority' && authority.pinned()) refresh();
  });
  stream.on('open', () => {
    if (authority.pinned()) refresh();
  });
  stream.on('event', (event) => {
    authors.noteHeight(event.transaction_id, event.height);
    void concerns(event.transaction_id, event.asset_id)
      .then((yes) => {
        if (yes) refresh();
      })
      .catch(() => undefined); // the registry is read again at the latest on its next refresh
  });

  async function concerns(txId: string, assetId: string): Promise<boolean> {
    if (!authority.pinned()) return false;
    if (await authority.concerns(assetId)) return true;
    if (assetId !== txId) return false;
    // A CREATE: a new credential names its authority in its asset.
    const { value } = await client.getTransaction(txId);
    const data = (value as { asset?: { data?: { type?: unknown; authority?: unknown } } } | null)?.asset?.data;
    return data?.type === CREDENTIAL_TYPE && data.authority === authority.pinned();
  }
}

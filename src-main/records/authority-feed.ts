// Keeps the pinned authority's registry fresh: a credential issued, renewed or revoked, or an act on the authority
// itself, seen on the node's stream, makes the next directory read (and the reader's credential checks) load the
// registry again. While the stream was down anything may have been missed, so a reconnect does the same.
import { CREDENTIAL_TYPE } from '../../src-shared/authority';
import type { ChartParts } from './chart-parts';

export function followAuthorityActs(parts: ChartParts): void {
  const { stream, client, authority } = parts;

  stream.on('event', (event) => void onEvent(event.transaction_id, event.asset_id));
  stream.on('open', () => authority.invalidate());

  async function onEvent(txId: string, assetId: string): Promise<void> {
    const pinned = authority.pinned();
    if (!pinned) return;
    if (assetId === pinned) return authority.invalidate();
    try {
      if (assetId !== txId) {
        // A TRANSFER: renewals and revocations spend a credential the registry already accepted.
        const state = await authority.state();
        if (state.kind === 'pinned' && state.registry.credential(assetId)) authority.invalidate();
        return;
      }
      // A CREATE: a credential names its authority in its asset.
      const { value } = await client.getTransaction(txId);
      const data = (value as { asset?: { data?: { type?: unknown; authority?: unknown } } } | null)?.asset?.data;
      if (data?.type === CREDENTIAL_TYPE && data.authority === pinned) authority.invalidate();
    } catch {
      // The stream is a convenience: the registry is read again anyway when it is older than its maximum age.
    }
  }
}

// Keeps the pinned authority's registry current from the node's stream: a transaction of the authority or of one of
// its credentials (a renewal, a revocation) ends the loaded registry, and every chart loaded this session is read
// again before reuse (its authors' status may have changed). A credential issued since the registry was read is
// found on the next miss (chart-authorship.ts) or the periodic refresh (trust.ts). The stream's heights are noted, so
// a chart read after its transaction was announced asks for no height.
import type { ChartParts } from './chart-parts';

export function followAuthority({ stream, authority, authors, loader }: ChartParts): void {
  stream.on('event', (event) => {
    authors.noteHeight(event.transaction_id, event.height);
    void authority
      .concerns(event.asset_id)
      .then((concerns) => {
        if (!concerns) return;
        authority.invalidate();
        loader.markAllStale();
      })
      .catch(() => undefined); // the registry is read again at the latest on its next refresh
  });
}

// The `listCheckpoints` setting (src-shared/settings/model.ts) as the chart service's `listCheckpoint` option: read at
// every list, so IT turning checkpoints off on a running workstation holds from its next list (none read, none
// written), and turning them back on reads the ledger again. Off wins over any policy given for tests or benchmarks.
import type { ChartServiceOptions } from '../records/chart-parts';
import type { SettingsService } from '../settings';

type Option = NonNullable<ChartServiceOptions['listCheckpoint']>;

export function listCheckpointSetting(
  settings: Pick<SettingsService, 'get'>,
  policy: Option = {},
): () => Exclude<Option, () => unknown> {
  return () => {
    if (!settings.get().values.listCheckpoints) return false;
    return typeof policy === 'function' ? policy() : policy;
  };
}

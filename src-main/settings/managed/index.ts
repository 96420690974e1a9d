// Picks the managed-settings reader for the platform the app runs on.
import type { ManagedSettingsReader, ManagedSettingsSource, RawScope } from './reader';
import { ManagedPolicyReader } from './policy-reader';
import { LinuxManagedSettingsReader } from './linux';
import { MacManagedSettingsReader } from './macos';
import { WindowsManagedSettingsReader } from './windows';

export type { ManagedReadResult, ManagedSettingsReader, ManagedSettingsSource, RawScope } from './reader';
export { ManagedPolicyReader } from './policy-reader';
export { LinuxManagedSettingsReader, LinuxManagedSettingsSource, LINUX_MANAGED_SETTINGS_PATH } from './linux';
export { MacManagedSettingsReader, MacManagedSettingsSource } from './macos';
export { WindowsManagedSettingsReader, WindowsManagedSettingsSource } from './windows';

/** Platforms without a managed-settings mechanism we support: nothing is managed. */
class NoManagedSettings implements ManagedSettingsSource {
  constructor(readonly description: string) {}
  async read(): Promise<RawScope[]> {
    return [];
  }
  watch(): () => void {
    return () => {};
  }
}

export function createManagedSettingsReader(
  appId: string,
  platform: NodeJS.Platform = process.platform,
): ManagedSettingsReader {
  switch (platform) {
    case 'win32':
      return new WindowsManagedSettingsReader();
    case 'darwin':
      return new MacManagedSettingsReader({ appId });
    case 'linux':
      return new LinuxManagedSettingsReader();
    default:
      return new ManagedPolicyReader(new NoManagedSettings(`no managed settings on ${platform}`));
  }
}

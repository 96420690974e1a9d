// Picks the managed-settings reader for the platform the app runs on.
import type { ManagedReadResult, ManagedSettingsReader } from './reader';
import { LinuxManagedSettingsReader } from './linux';
import { MacManagedSettingsReader } from './macos';
import { WindowsManagedSettingsReader } from './windows';

export type { ManagedReadResult, ManagedSettingsReader } from './reader';
export { LinuxManagedSettingsReader, LINUX_MANAGED_SETTINGS_PATH } from './linux';
export { MacManagedSettingsReader } from './macos';
export { WindowsManagedSettingsReader } from './windows';

/** Platforms without a managed-settings mechanism we support: nothing is managed. */
class NoManagedSettings implements ManagedSettingsReader {
  constructor(readonly description: string) {}
  async read(): Promise<ManagedReadResult> {
    return { status: 'absent', source: this.description };
  }
}

export function createManagedSettingsReader(appId: string, platform: NodeJS.Platform = process.platform): ManagedSettingsReader {
  switch (platform) {
    case 'win32':
      return new WindowsManagedSettingsReader();
    case 'darwin':
      return new MacManagedSettingsReader({ appId });
    case 'linux':
      return new LinuxManagedSettingsReader();
    default:
      return new NoManagedSettings(`no managed settings on ${platform}`);
  }
}

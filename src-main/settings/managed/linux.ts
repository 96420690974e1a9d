// Linux: IT drops one JSON file, /etc/healthchain/managed-settings.json (root-owned, 0644 or stricter).
import type { ManagedSettingsSource, RawScope } from './reader';
import { ManagedPolicyReader } from './policy-reader';
import { readTrustedFile } from './trusted-file';
import { watchPolicyFiles } from './watch-files';

export const LINUX_MANAGED_SETTINGS_PATH = '/etc/healthchain/managed-settings.json';

export interface LinuxReaderOptions {
  path?: string;
  /** Owner required of the file and its directory: root, except in tests that cannot chown. */
  trustedUid?: number;
}

export class LinuxManagedSettingsSource implements ManagedSettingsSource {
  readonly description: string;
  private readonly path: string;
  private readonly trustedUid: number;

  constructor(options: LinuxReaderOptions = {}) {
    this.path = options.path ?? LINUX_MANAGED_SETTINGS_PATH;
    this.trustedUid = options.trustedUid ?? 0;
    this.description = this.path;
  }

  async read(): Promise<RawScope[]> {
    const location = this.path;
    const file = await readTrustedFile(this.path, { trustedUid: this.trustedUid });
    if (file.status === 'absent') return [{ location, status: 'absent' }];
    if (file.status === 'rejected') return [{ location, status: 'unreadable', reason: file.reason }];
    try {
      return [
        {
          location,
          status: 'present',
          values: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.bytes)),
        },
      ];
    } catch (error) {
      return [
        { location, status: 'unreadable', reason: `${this.path} is not valid UTF-8 JSON: ${(error as Error).message}` },
      ];
    }
  }

  watch(onChange: () => void): () => void {
    return watchPolicyFiles([this.path], onChange);
  }
}

export class LinuxManagedSettingsReader extends ManagedPolicyReader {
  constructor(options: LinuxReaderOptions = {}) {
    super(new LinuxManagedSettingsSource(options));
  }
}

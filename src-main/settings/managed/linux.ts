// Linux: IT drops one JSON file, /etc/healthchain/managed-settings.json (root-owned, 0644 or stricter).
import type { ManagedReadResult, ManagedSettingsReader } from './reader';
import { readTrustedFile } from './trusted-file';
import { parsePartialSettings } from '../settings';

export const LINUX_MANAGED_SETTINGS_PATH = '/etc/healthchain/managed-settings.json';

export interface LinuxReaderOptions {
  path?: string;
  /** Owner required of the file and its directory: root, except in tests that cannot chown. */
  trustedUid?: number;
}

export class LinuxManagedSettingsReader implements ManagedSettingsReader {
  readonly description: string;
  private readonly path: string;
  private readonly trustedUid: number;

  constructor(options: LinuxReaderOptions = {}) {
    this.path = options.path ?? LINUX_MANAGED_SETTINGS_PATH;
    this.trustedUid = options.trustedUid ?? 0;
    this.description = this.path;
  }

  async read(): Promise<ManagedReadResult> {
    const source = this.path;
    const file = await readTrustedFile(this.path, { trustedUid: this.trustedUid });
    if (file.status !== 'ok') return { ...file, source };
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.bytes));
    } catch (error) {
      return { status: 'rejected', source, reason: `${this.path} is not valid UTF-8 JSON: ${(error as Error).message}` };
    }
    const parsed = parsePartialSettings(json);
    if (!parsed.ok) return { status: 'rejected', source, reason: `${this.path}: ${parsed.reason}` };
    return { status: 'ok', source, values: parsed.values };
  }
}

// macOS: a configuration profile (MDM) for the app's bundle id lands in /Library/Managed Preferences/<appId>.plist
// (machine) and /Library/Managed Preferences/<user>/<appId>.plist (user). Both are root-owned and written by the
// system; the machine file wins. plutil (part of macOS) converts the binary plist to JSON for us.
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { ManagedSettingsSource, RawScope } from './reader';
import { ManagedPolicyReader, checkScopeValues, type ScopeCheck } from './policy-reader';
import { readTrustedFile } from './trusted-file';
import { watchPolicyFiles } from './watch-files';

export const MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';

export type PlistToJson = (plist: Buffer) => Promise<string>;

export const plutilToJson: PlistToJson = (plist) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      '/usr/bin/plutil',
      ['-convert', 'json', '-o', '-', '-'],
      { timeout: 10_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(String(stderr).trim() || error.message));
        else resolve(String(stdout));
      },
    );
    child.stdin?.end(plist);
  });

// Keys that the system or a profile may add beside the app's own keys; they are not settings.
const PROFILE_BOOKKEEPING = /^(Payload[A-Za-z]*|PayloadContent|forced|mcx_.*)$/;

/** The app's own keys from the JSON plutil produced for a managed-preferences plist, not yet checked. */
function valuesFromPlistJson(
  json: string,
): { ok: true; values: Record<string, unknown> } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: `plutil produced invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'expected a dictionary at the top level' };
  return {
    ok: true,
    values: Object.fromEntries(Object.entries(value).filter(([key]) => !PROFILE_BOOKKEEPING.test(key))),
  };
}

/** Validates the JSON that plutil produced from a managed-preferences plist. */
export function settingsFromPlistJson(json: string): ScopeCheck {
  const raw = valuesFromPlistJson(json);
  return raw.ok ? checkScopeValues(raw.values) : raw;
}

export interface MacReaderOptions {
  appId: string;
  userName?: string;
  dir?: string;
  trustedUid?: number;
  toJson?: PlistToJson;
}

export class MacManagedSettingsSource implements ManagedSettingsSource {
  readonly description: string;
  private readonly machinePath: string;
  private readonly userPath: string;
  private readonly trustedUid: number;
  private readonly toJson: PlistToJson;

  constructor(options: MacReaderOptions) {
    const dir = options.dir ?? MANAGED_PREFERENCES_DIR;
    const userName = options.userName ?? os.userInfo().username;
    this.machinePath = path.join(dir, `${options.appId}.plist`);
    this.userPath = path.join(dir, userName, `${options.appId}.plist`);
    this.trustedUid = options.trustedUid ?? 0;
    this.toJson = options.toJson ?? plutilToJson;
    this.description = `${this.machinePath} over ${this.userPath}`;
  }

  private async readPlist(location: string): Promise<RawScope> {
    const read = await readTrustedFile(location, { trustedUid: this.trustedUid });
    if (read.status === 'absent') return { location, status: 'absent' };
    if (read.status === 'rejected') return { location, status: 'unreadable', reason: read.reason };
    let json: string;
    try {
      json = await this.toJson(read.bytes);
    } catch (error) {
      return {
        location,
        status: 'unreadable',
        reason: `${location} is not a readable property list: ${(error as Error).message}`,
      };
    }
    const raw = valuesFromPlistJson(json);
    return raw.ok
      ? { location, status: 'present', values: raw.values }
      : { location, status: 'unreadable', reason: `${location}: ${raw.reason}` };
  }

  /** The user's profile, then the machine's (which wins). */
  async read(): Promise<RawScope[]> {
    return Promise.all([this.readPlist(this.userPath), this.readPlist(this.machinePath)]);
  }

  watch(onChange: () => void): () => void {
    return watchPolicyFiles([this.machinePath, this.userPath], onChange);
  }
}

export class MacManagedSettingsReader extends ManagedPolicyReader {
  constructor(options: MacReaderOptions) {
    super(new MacManagedSettingsSource(options));
  }
}

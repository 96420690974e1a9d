// macOS: a configuration profile (MDM) for the app's bundle id lands in /Library/Managed Preferences/<appId>.plist
// (machine) and /Library/Managed Preferences/<user>/<appId>.plist (user). Both are root-owned and written by the
// system; the machine file wins. plutil (part of macOS) converts the binary plist to JSON for us.
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { ManagedReadResult, ManagedSettingsReader } from './reader';
import { readTrustedFile } from './trusted-file';
import { parsePartialSettings } from '../settings';
import type { PartialSettings } from '../settings';

export const MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';

export type PlistToJson = (plist: Buffer) => Promise<string>;

export const plutilToJson: PlistToJson = (plist) =>
  new Promise((resolve, reject) => {
    const child = execFile('/usr/bin/plutil', ['-convert', 'json', '-o', '-', '-'], { timeout: 10_000, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(String(stderr).trim() || error.message));
      else resolve(String(stdout));
    });
    child.stdin?.end(plist);
  });

// Keys that the system or a profile may add beside the app's own keys; they are not settings.
const PROFILE_BOOKKEEPING = /^(Payload[A-Za-z]*|PayloadContent|forced|mcx_.*)$/;

/** Validates the JSON that plutil produced from a managed-preferences plist. */
export function settingsFromPlistJson(json: string): { ok: true; values: PartialSettings } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: `plutil produced invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'expected a dictionary at the top level' };
  const settings = Object.fromEntries(Object.entries(value).filter(([key]) => !PROFILE_BOOKKEEPING.test(key)));
  return parsePartialSettings(settings);
}

export interface MacReaderOptions {
  appId: string;
  userName?: string;
  dir?: string;
  trustedUid?: number;
  toJson?: PlistToJson;
}

type FileRead = { status: 'absent' } | { status: 'ok'; values: PartialSettings } | { status: 'rejected'; reason: string };

export class MacManagedSettingsReader implements ManagedSettingsReader {
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

  private async readPlist(file: string): Promise<FileRead> {
    const read = await readTrustedFile(file, { trustedUid: this.trustedUid });
    if (read.status !== 'ok') return read;
    let json: string;
    try {
      json = await this.toJson(read.bytes);
    } catch (error) {
      return { status: 'rejected', reason: `${file} is not a readable property list: ${(error as Error).message}` };
    }
    const parsed = settingsFromPlistJson(json);
    return parsed.ok ? { status: 'ok', values: parsed.values } : { status: 'rejected', reason: `${file}: ${parsed.reason}` };
  }

  async read(): Promise<ManagedReadResult> {
    const source = this.description;
    const [machine, user] = await Promise.all([this.readPlist(this.machinePath), this.readPlist(this.userPath)]);
    const rejected = [machine, user].filter((r): r is { status: 'rejected'; reason: string } => r.status === 'rejected');
    if (rejected.length > 0) return { status: 'rejected', source, reason: rejected.map((r) => r.reason).join('; ') };
    if (machine.status === 'absent' && user.status === 'absent') return { status: 'absent', source };
    return {
      status: 'ok',
      source,
      values: { ...(user.status === 'ok' ? user.values : {}), ...(machine.status === 'ok' ? machine.values : {}) },
    };
  }
}

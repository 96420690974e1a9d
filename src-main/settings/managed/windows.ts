// Windows: Group Policy / Intune write HKLM\SOFTWARE\Policies\HealthChain (machine) and
// HKCU\SOFTWARE\Policies\HealthChain (user); both keys are writable only by administrators, and the machine value
// wins. We read them with reg.exe (no native module) and parse its text output.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ManagedSettingsSource, RawScope } from './reader';
import { ManagedPolicyReader, checkScopeValues, type ScopeCheck } from './policy-reader';
import { SETTING_KEYS } from '../settings';
import type { SettingKey } from '../settings';

export const WINDOWS_POLICY_KEYS = {
  machine: 'HKLM\\SOFTWARE\\Policies\\HealthChain',
  user: 'HKCU\\SOFTWARE\\Policies\\HealthChain',
} as const;

export interface RegValue {
  name: string;
  type: string;
  data: string;
}

export interface RegQueryOutput {
  keyPath: string | null;
  values: RegValue[];
}

const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z_0-9]+)(?: {4}(.*))?$/;

/** Parses `reg query <key>` output: a key line, then one indented `name    REG_TYPE    data` line per value. */
export function parseRegQuery(output: string): RegQueryOutput {
  let keyPath: string | null = null;
  const values: RegValue[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const value = VALUE_LINE.exec(line);
    if (value) {
      // Only values of the queried key itself; `reg query` without /s lists subkeys as bare key lines.
      if (keyPath !== null) values.push({ name: value[1]!, type: value[2]!, data: value[3] ?? '' });
      continue;
    }
    if (/^HKEY_/i.test(line)) {
      if (keyPath === null) keyPath = line.trim();
      else break; // a subkey listing: the queried key's own values are done
    }
  }
  return { keyPath, values };
}

type Conversion = { ok: true; value: unknown } | { ok: false; reason: string };

function parseDword(value: RegValue): number | null {
  if ((value.type !== 'REG_DWORD' && value.type !== 'REG_QWORD') || !/^0x[0-9a-f]+$/i.test(value.data)) return null;
  return Number.parseInt(value.data.slice(2), 16);
}

function toList(value: RegValue): Conversion {
  if (value.type === 'REG_MULTI_SZ') {
    return { ok: true, value: value.data === '' ? [] : value.data.split('\\0').filter((item) => item !== '') };
  }
  if (value.type === 'REG_SZ' || value.type === 'REG_EXPAND_SZ') {
    return {
      ok: true,
      value: value.data
        .split(';')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    };
  }
  return { ok: false, reason: `must be REG_MULTI_SZ (or a ;-separated REG_SZ), not ${value.type}` };
}

function toBoolean(value: RegValue): Conversion {
  const n = parseDword(value);
  if (n === 0 || n === 1) return { ok: true, value: n === 1 };
  return { ok: false, reason: `must be a REG_DWORD of 0 or 1, not ${value.type} "${value.data}"` };
}

const CONVERTERS: Record<SettingKey, (value: RegValue) => Conversion> = {
  nodeUrls: toList,
  trustedPractitionerKeys: toList,
  autoLockMinutes: (value) => {
    const n = parseDword(value);
    return n === null
      ? { ok: false, reason: `must be a REG_DWORD, not ${value.type} "${value.data}"` }
      : { ok: true, value: n };
  },
  kioskIdleSeconds: (value) => {
    const n = parseDword(value);
    return n === null
      ? { ok: false, reason: `must be a REG_DWORD, not ${value.type} "${value.data}"` }
      : { ok: true, value: n };
  },
  allowUserNodeUrls: toBoolean,
  kioskCamera: toBoolean,
  hospitalAuthority: (value) =>
    value.type === 'REG_SZ'
      ? { ok: true, value: value.data.trim() }
      : { ok: false, reason: `must be a REG_SZ, not ${value.type}` },
  ledgerEnvelope: (value) =>
    value.type === 'REG_SZ'
      ? { ok: true, value: value.data.trim() }
      : { ok: false, reason: `must be a REG_SZ, not ${value.type}` },
  listCheckpoints: toBoolean,
};

/**
 * Registry values to JSON-like values (names match setting keys, case-insensitively), not yet checked; a value whose
 * registry type cannot stand for its setting is a problem, named with the value.
 */
function valuesFromRegistry(values: RegValue[]): { values: Record<string, unknown>; problems: string[] } {
  const input: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const value of values) {
    if (value.name === '(Default)') continue;
    const key = SETTING_KEYS.find((k) => k.toLowerCase() === value.name.toLowerCase());
    if (!key) {
      input[value.name] = value.data; // reported as an unknown setting by the schema
      continue;
    }
    const converted = CONVERTERS[key](value);
    if (converted.ok) input[key] = converted.value;
    else problems.push(`${value.name}: ${converted.reason}`);
  }
  return { values: input, problems };
}

/** Maps registry values to validated settings. */
export function settingsFromRegistry(values: RegValue[]): ScopeCheck {
  const raw = valuesFromRegistry(values);
  return checkScopeValues(raw.values, raw.problems);
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type RegRunner = (key: string) => Promise<CommandResult>;

// Where reg.exe is must not come from the environment: SystemRoot, windir and PATH are the user's to set, and a
// reg.exe of theirs answering "no policy" would lift every IT setting. Node has no API for the system directory
// (GetSystemDirectory / FOLDERID_System), but the process already holds the answer: ntdll.dll is mapped by the
// kernel from the real System32 into every process, whatever the environment says, and Node's diagnostic report
// lists each loaded module's full path (EnumProcessModules + GetModuleFileNameEx). Where that is unavailable, the
// default install location is used if reg.exe is there; otherwise reading fails, and the policy counts as present
// but unreadable (the app then behaves as IT-managed: fail closed).
export const DEFAULT_SYSTEM_DIRECTORY = 'C:\\Windows\\System32';

/** The directory ntdll.dll was loaded from, from the full paths of the process's loaded modules. */
export function systemDirectoryFromModules(modulePaths: readonly string[]): string | null {
  for (const raw of modulePaths) {
    const file = raw.replace(/^\\\\\?\\/, ''); // \\?\C:\… long-path form
    if (path.win32.basename(file).toLowerCase() === 'ntdll.dll' && /^[A-Za-z]:\\/.test(file))
      return path.win32.dirname(file);
  }
  return null;
}

function loadedModules(): string[] {
  try {
    const report = process.report?.getReport() as { sharedObjects?: unknown } | undefined;
    return Array.isArray(report?.sharedObjects)
      ? report.sharedObjects.filter((p): p is string => typeof p === 'string')
      : [];
  } catch {
    return [];
  }
}

/** The absolute path of the system's reg.exe, never taken from environment variables. */
export function regExePath({
  modules = loadedModules,
  exists = existsSync,
}: { modules?: () => readonly string[]; exists?: (file: string) => boolean } = {}): string {
  const candidates = [systemDirectoryFromModules(modules()), DEFAULT_SYSTEM_DIRECTORY].filter(
    (dir): dir is string => dir !== null,
  );
  for (const dir of candidates) {
    const file = path.win32.join(dir, 'reg.exe');
    if (exists(file)) return file;
  }
  throw new Error(`cannot locate the system's reg.exe (looked in ${candidates.join(', ')})`);
}

let systemRegExe: string | null = null;

export const runRegQuery: RegRunner = (key) =>
  new Promise((resolve) => {
    systemRegExe ??= regExePath();
    execFile(
      systemRegExe,
      ['query', key, '/reg:64'],
      { windowsHide: true, timeout: 10_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr) || (error && code === -1 ? error.message : ''),
        });
      },
    );
  });

export class WindowsManagedSettingsSource implements ManagedSettingsSource {
  readonly description = `${WINDOWS_POLICY_KEYS.machine} over ${WINDOWS_POLICY_KEYS.user}`;

  constructor(private readonly run: RegRunner = runRegQuery) {}

  private async readKey(location: string): Promise<RawScope> {
    let result: CommandResult;
    try {
      result = await this.run(location);
    } catch (error) {
      return {
        location,
        status: 'unreadable',
        reason: `cannot run reg.exe for ${location}: ${(error as Error).message}`,
      };
    }
    // A missing key: reg.exe exits 1 and prints nothing on stdout, only a message on stderr that Windows
    // translates ("unable to find the specified registry key", "… wurde nicht gefunden", …), so the message is
    // not what we rely on.
    if (result.code === 1 && result.stdout.trim() === '') return { location, status: 'absent' };
    if (result.code !== 0)
      return {
        location,
        status: 'unreadable',
        reason: `reg query ${location} failed (exit ${result.code}): ${result.stderr.trim()}`,
      };
    return { location, status: 'present', ...valuesFromRegistry(parseRegQuery(result.stdout).values) };
  }

  /** HKCU, then HKLM (which wins). */
  async read(): Promise<RawScope[]> {
    return Promise.all([this.readKey(WINDOWS_POLICY_KEYS.user), this.readKey(WINDOWS_POLICY_KEYS.machine)]);
  }

  /**
   * reg.exe has no change notification (RegNotifyChangeKeyValue would need a native module): the settings service's
   * periodic re-read is what notices a new policy here.
   */
  watch(): () => void {
    return () => {};
  }
}

export class WindowsManagedSettingsReader extends ManagedPolicyReader {
  constructor(run: RegRunner = runRegQuery) {
    super(new WindowsManagedSettingsSource(run));
  }
}

// The Windows reader on recorded reg.exe output (fixtures in reg.exe's format: CRLF, 4-space columns, \0 lists).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  WINDOWS_POLICY_KEYS,
  WindowsManagedSettingsReader,
  parseRegQuery,
  regExePath,
  settingsFromRegistry,
  systemDirectoryFromModules,
} from './windows';
import type { CommandResult, RegRunner } from './windows';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const found = (name: string): CommandResult => ({ code: 0, stdout: fixture(name), stderr: '' });
const missing: CommandResult = { code: 1, stdout: '', stderr: fixture('reg-query-missing.stderr.txt') };

function runner(machine: CommandResult, user: CommandResult): RegRunner & { keys: string[] } {
  const keys: string[] = [];
  const run = async (key: string) => {
    keys.push(key);
    return key === WINDOWS_POLICY_KEYS.machine ? machine : user;
  };
  return Object.assign(run, { keys });
}

describe('parseRegQuery', () => {
  it('parses the key, its values, and stops at a subkey', () => {
    const parsed = parseRegQuery(fixture('reg-query-hklm.txt'));
    expect(parsed.keyPath).toBe('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\HealthChain');
    expect(parsed.values).toEqual([
      {
        name: 'nodeUrls',
        type: 'REG_MULTI_SZ',
        data: 'https://node1.hospital.example:9984\\0https://node2.hospital.example:9984',
      },
      { name: 'AutoLockMinutes', type: 'REG_DWORD', data: '0x5' },
      { name: 'allowUserNodeUrls', type: 'REG_DWORD', data: '0x0' },
    ]);
  });

  it('keeps value names with spaces and empty data', () => {
    const parsed = parseRegQuery(
      '\r\nHKEY_CURRENT_USER\\X\r\n    some name    REG_SZ    \r\n    (Default)    REG_SZ    x y\r\n',
    );
    expect(parsed.values).toEqual([
      { name: 'some name', type: 'REG_SZ', data: '' },
      { name: '(Default)', type: 'REG_SZ', data: 'x y' },
    ]);
  });
});

describe('settingsFromRegistry', () => {
  it('maps REG_MULTI_SZ lists, DWORD numbers and 0/1 booleans, matching names case-insensitively', () => {
    expect(settingsFromRegistry(parseRegQuery(fixture('reg-query-hklm.txt')).values)).toEqual({
      ok: true,
      values: {
        nodeUrls: ['https://node1.hospital.example:9984', 'https://node2.hospital.example:9984'],
        autoLockMinutes: 5,
        allowUserNodeUrls: false,
      },
    });
  });

  it('maps kioskCamera from a REG_DWORD of 0 or 1 and refuses anything else', () => {
    const value = (type: string, data: string) => [{ name: 'KioskCamera', type, data }];
    expect(settingsFromRegistry(value('REG_DWORD', '0x0'))).toEqual({ ok: true, values: { kioskCamera: false } });
    expect(settingsFromRegistry(value('REG_DWORD', '0x1'))).toEqual({ ok: true, values: { kioskCamera: true } });
    for (const [type, data] of [
      ['REG_DWORD', '0x2'],
      ['REG_SZ', 'true'],
    ]) {
      const result = settingsFromRegistry(value(type!, data!));
      expect(!result.ok && result.reason).toMatch(/KioskCamera: must be a REG_DWORD of 0 or 1/);
    }
  });

  it("maps listCheckpoints from a REG_DWORD of 0 or 1 (the template's toggle) and refuses anything else", () => {
    const value = (type: string, data: string) => [{ name: 'listCheckpoints', type, data }];
    expect(settingsFromRegistry(value('REG_DWORD', '0x0'))).toEqual({ ok: true, values: { listCheckpoints: false } });
    expect(settingsFromRegistry(value('REG_DWORD', '0x1'))).toEqual({ ok: true, values: { listCheckpoints: true } });
    for (const [type, data] of [
      ['REG_DWORD', '0x2'],
      ['REG_SZ', 'false'],
    ]) {
      const result = settingsFromRegistry(value(type!, data!));
      expect(!result.ok && result.reason).toMatch(/listCheckpoints: must be a REG_DWORD of 0 or 1/);
    }
  });

  it('accepts a ;-separated REG_SZ list', () => {
    const result = settingsFromRegistry(parseRegQuery(fixture('reg-query-hkcu.txt')).values);
    expect(result).toEqual({
      ok: true,
      values: {
        autoLockMinutes: 30,
        kioskIdleSeconds: 60,
        trustedPractitionerKeys: ['4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS', '11111111111111111111111111111111'],
      },
    });
  });

  it('rejects wrong registry types with the value name and type', () => {
    const result = settingsFromRegistry(parseRegQuery(fixture('reg-query-wrong-types.txt')).values);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/autoLockMinutes: must be a REG_DWORD, not REG_SZ "15"/);
    expect(!result.ok && result.reason).toMatch(/allowUserNodeUrls: must be a REG_DWORD of 0 or 1/);
  });

  it('rejects unknown value names', () => {
    const result = settingsFromRegistry(parseRegQuery(fixture('reg-query-unknown-value.txt')).values);
    expect(!result.ok && result.reason).toMatch(/unknown setting\(s\) "nodeUrl"/);
  });
});

describe('WindowsManagedSettingsReader', () => {
  it('merges HKLM over HKCU, machine values winning', async () => {
    const run = runner(found('reg-query-hklm.txt'), found('reg-query-hkcu.txt'));
    const result = await new WindowsManagedSettingsReader(run).read();
    expect(run.keys.sort()).toEqual([WINDOWS_POLICY_KEYS.machine, WINDOWS_POLICY_KEYS.user].sort());
    expect(result).toMatchObject({
      status: 'ok',
      values: {
        nodeUrls: ['https://node1.hospital.example:9984', 'https://node2.hospital.example:9984'],
        autoLockMinutes: 5, // HKLM 0x5 beats HKCU 0x1e
        kioskIdleSeconds: 60, // only in HKCU
        allowUserNodeUrls: false,
      },
    });
  });

  it('is absent when neither key exists', async () => {
    expect(await new WindowsManagedSettingsReader(runner(missing, missing)).read()).toMatchObject({ status: 'absent' });
  });

  it('uses HKCU alone when HKLM is missing', async () => {
    const result = await new WindowsManagedSettingsReader(runner(missing, found('reg-query-hkcu.txt'))).read();
    expect(result).toMatchObject({ status: 'ok', values: { autoLockMinutes: 30 } });
  });

  it('rejects the whole policy when one key is bad, and says which', async () => {
    const result = await new WindowsManagedSettingsReader(
      runner(found('reg-query-wrong-types.txt'), found('reg-query-hkcu.txt')),
    ).read();
    expect(result.status).toBe('rejected');
    expect(result.status === 'rejected' && result.reason).toMatch(/^HKLM\\SOFTWARE\\Policies\\HealthChain: /);
  });

  it('recognizes a missing key on a non-English Windows too (exit 1, nothing on stdout)', async () => {
    const german: CommandResult = {
      code: 1,
      stdout: '',
      stderr: 'FEHLER: Der angegebene Registrierungsschlüssel bzw. Wert wurde nicht gefunden.\r\n',
    };
    expect(await new WindowsManagedSettingsReader(runner(german, found('reg-query-hkcu.txt'))).read()).toMatchObject({
      status: 'ok',
      values: { autoLockMinutes: 30 },
    });
  });

  it('rejects when reg.exe fails in another way', async () => {
    const killed: CommandResult = { code: -1, stdout: '', stderr: 'spawnSync reg.exe ETIMEDOUT' };
    const result = await new WindowsManagedSettingsReader(runner(killed, missing)).read();
    expect(result.status === 'rejected' && result.reason).toMatch(/failed \(exit -1\): spawnSync reg\.exe ETIMEDOUT/);
  });

  it('rejects (never throws) when reg.exe cannot be started', async () => {
    const result = await new WindowsManagedSettingsReader(async () => {
      throw new Error('spawn reg.exe ENOENT');
    }).read();
    expect(result.status === 'rejected' && result.reason).toMatch(/cannot run reg\.exe .* ENOENT/);
  });
});

describe('where reg.exe is taken from (#14)', () => {
  // The module list as Node's diagnostic report gives it on Windows (recorded form; this machine runs Linux).
  const WINDOWS_MODULES = [
    'C:\\Program Files\\HealthChain\\HealthChain.exe',
    'C:\\WINDOWS\\SYSTEM32\\ntdll.dll',
    'C:\\WINDOWS\\System32\\KERNEL32.DLL',
    'C:\\WINDOWS\\System32\\KERNELBASE.dll',
  ];

  it('uses the directory the kernel loaded ntdll.dll from, whatever SystemRoot, windir or PATH say', () => {
    const saved = { SystemRoot: process.env.SystemRoot, windir: process.env.windir };
    process.env.SystemRoot = 'C:\\Users\\doctor\\fake';
    process.env.windir = 'C:\\Users\\doctor\\fake';
    try {
      const seen: string[] = [];
      const found = regExePath({ modules: () => WINDOWS_MODULES, exists: (file) => (seen.push(file), true) });
      expect(found).toBe('C:\\WINDOWS\\SYSTEM32\\reg.exe');
      expect(seen.join()).not.toMatch(/fake/);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('reads ntdll from long-path and odd-case entries, and ignores relative ones', () => {
    expect(systemDirectoryFromModules(['\\\\?\\D:\\Windows\\System32\\NTDLL.DLL'])).toBe('D:\\Windows\\System32');
    expect(systemDirectoryFromModules(['ntdll.dll', 'Users\\x\\ntdll.dll'])).toBeNull();
    expect(systemDirectoryFromModules([])).toBeNull();
  });

  it('falls back to the default install location only if reg.exe is there, else refuses (policy then unreadable)', () => {
    expect(regExePath({ modules: () => [], exists: (file) => file === 'C:\\Windows\\System32\\reg.exe' })).toBe(
      'C:\\Windows\\System32\\reg.exe',
    );
    expect(() => regExePath({ modules: () => [], exists: () => false })).toThrow(
      /cannot locate the system's reg.exe \(looked in C:\\Windows\\System32\)/,
    );
    // A module list naming a System32 without reg.exe does not make the app trust anything else either.
    expect(() => regExePath({ modules: () => ['E:\\Win\\System32\\ntdll.dll'], exists: () => false })).toThrow(
      /looked in E:\\Win\\System32, C:\\Windows\\System32/,
    );
  });

  it("relies on a real Node API: the diagnostic report lists the process's loaded modules by absolute path", () => {
    const report = process.report.getReport() as { sharedObjects?: unknown };
    expect(Array.isArray(report.sharedObjects)).toBe(true);
    const objects = report.sharedObjects as string[];
    expect(objects.length).toBeGreaterThan(0);
    for (const file of objects.slice(1)) expect(file.startsWith('/') || /^[A-Za-z]:\\/.test(file), file).toBe(true);
  });

  it('an unreadable reg.exe makes the policy count as present but unreadable (fail closed)', async () => {
    const reader = new WindowsManagedSettingsReader(() =>
      Promise.reject(new Error("cannot locate the system's reg.exe")),
    );
    expect(await reader.read()).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/cannot run reg.exe/),
    });
  });
});

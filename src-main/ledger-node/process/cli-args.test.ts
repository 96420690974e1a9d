import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args';
import { appUserDataDir, defaultDataDir, formerCliDataDir } from './data-dir';

describe('ledger command line', () => {
  const data = () => '/default/data';

  const noEnv = {};
  const defaults = { access: { kind: 'generate' }, allowedHosts: [] };

  it('defaults to 127.0.0.1:9984, the default data folder and a generated token', () => {
    expect(parseCliArgs([], data, noEnv)).toEqual({
      kind: 'run',
      options: { host: '127.0.0.1', port: 9984, dataDir: '/default/data', ...defaults },
    });
  });

  it('takes --flag value and --flag=value forms', () => {
    expect(parseCliArgs(['--port', '0', '--data=/x', '--host', '0.0.0.0'], data, noEnv)).toEqual({
      kind: 'run',
      options: { host: '0.0.0.0', port: 0, dataDir: '/x', ...defaults },
    });
    expect(parseCliArgs(['-h'], data)).toEqual({ kind: 'help' });
  });

  it('refuses unknown flags, missing values and bad ports', () => {
    for (const argv of [['--prot', '1'], ['--data'], ['--port', '65536'], ['--port', '-1'], ['--port=']]) {
      expect(parseCliArgs(argv, data, noEnv).kind).toBe('error');
    }
  });

  it('chooses the access mode: --token, then HC_LEDGER_TOKEN, --open; never both, never a short token', () => {
    const token = 'T'.repeat(40);
    const access = (argv: string[], env: Record<string, string> = {}) => {
      const parsed = parseCliArgs(argv, data, env);
      return parsed.kind === 'run' ? parsed.options.access : parsed;
    };
    expect(access(['--token', token])).toEqual({ kind: 'token', token });
    expect(access([], { HC_LEDGER_TOKEN: token })).toEqual({ kind: 'token', token });
    expect(access([`--token=${token}`], { HC_LEDGER_TOKEN: 'E'.repeat(40) })).toEqual({ kind: 'token', token });
    expect(access(['--open'])).toEqual({ kind: 'open' });
    expect(access(['--open', '--token', token])).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/exclude each other/),
    });
    expect(access(['--open'], { HC_LEDGER_TOKEN: token })).toMatchObject({ kind: 'error' });
    expect(access(['--token', 'short'])).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^bad token: /),
    });
  });

  it('collects --allow-host names and refuses what is not a host name', () => {
    const parsed = parseCliArgs(
      ['--allow-host', 'ledger.clinic.lan', '--allow-host=10.0.0.5:9984', '--allow-host', 'fe80::1'],
      data,
      noEnv,
    );
    expect(parsed).toMatchObject({
      kind: 'run',
      options: { allowedHosts: ['ledger.clinic.lan', '10.0.0.5:9984', 'fe80::1'] },
    });
    for (const bad of ['a b', 'evil.example/x', 'x:99999', 'a_b.lan']) {
      expect([bad, parseCliArgs(['--allow-host', bad], data, noEnv).kind]).toEqual([bad, 'error']);
    }
  });
});

describe('default data folder', () => {
  it("is the app's ledger folder (<userData>/ledger) on each platform", () => {
    expect(defaultDataDir('linux', {}, '/home/u')).toBe('/home/u/.config/HealthChain/ledger');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: '/xdg' }, '/home/u')).toBe(
      '/cfg/HealthChain/ledger',
    );
    // A relative XDG_CONFIG_HOME is ignored, as Electron ignores it.
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: 'cfg' }, '/home/u')).toBe('/home/u/.config/HealthChain/ledger');
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/HealthChain/ledger');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toMatch(
      /Roaming[\\/]HealthChain[\\/]ledger$/,
    );
    expect(appUserDataDir('linux', {}, '/home/u')).toBe('/home/u/.config/HealthChain');
  });

  it("knows the CLI's former folder, which differed from the app's on Linux only", () => {
    expect(formerCliDataDir('linux', { XDG_DATA_HOME: '/xdg' }, '/home/u')).toBe('/xdg/HealthChain/ledger');
    expect(formerCliDataDir('linux', { XDG_DATA_HOME: 'relative' }, '/home/u')).toBe(
      '/home/u/.local/share/HealthChain/ledger',
    );
    expect(formerCliDataDir('darwin', {}, '/Users/u')).toBe(defaultDataDir('darwin', {}, '/Users/u'));
    const win = { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' };
    expect(formerCliDataDir('win32', win, 'C:\\Users\\u')).toBe(defaultDataDir('win32', win, 'C:\\Users\\u'));
  });
});

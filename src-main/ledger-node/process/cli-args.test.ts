import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args';
import { defaultDataDir } from './data-dir';

describe('ledger command line', () => {
  const data = () => '/default/data';

  it('defaults to 127.0.0.1:9984 and the default data folder', () => {
    expect(parseCliArgs([], data)).toEqual({ kind: 'run', options: { host: '127.0.0.1', port: 9984, dataDir: '/default/data' } });
  });

  it('takes --flag value and --flag=value forms', () => {
    expect(parseCliArgs(['--port', '0', '--data=/x', '--host', '0.0.0.0'], data)).toEqual({
      kind: 'run',
      options: { host: '0.0.0.0', port: 0, dataDir: '/x' },
    });
    expect(parseCliArgs(['-h'], data)).toEqual({ kind: 'help' });
  });

  it('refuses unknown flags, missing values and bad ports', () => {
    for (const argv of [['--prot', '1'], ['--data'], ['--port', '65536'], ['--port', '-1'], ['--port=']]) {
      expect(parseCliArgs(argv, data).kind).toBe('error');
    }
  });
});

describe('default data folder', () => {
  it('follows each platform\'s convention', () => {
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/xdg' }, '/home/u')).toBe('/xdg/HealthChain/ledger');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/share/HealthChain/ledger');
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/HealthChain/ledger');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toMatch(/HealthChain[\\/]ledger$/);
  });
});

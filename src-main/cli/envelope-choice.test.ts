import { describe, expect, it } from 'vitest';
import { describeChoice, userDataDir } from './envelope-choice';

describe('userDataDir: where the CLI reads the user settings.json', () => {
  it('is the folder holding --data, as the app keeps its ledger in <userData>/ledger', () => {
    expect(userDataDir('/srv/hc.data/ledger', 'linux', {}, '/home/ada')).toBe('/srv/hc.data');
  });

  it("is Electron's userData of the workstation without --data", () => {
    expect(userDataDir(undefined, 'linux', {}, '/home/ada')).toBe('/home/ada/.config/HealthChain');
    expect(userDataDir(undefined, 'linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ada')).toBe('/cfg/HealthChain');
    // A relative XDG_CONFIG_HOME is ignored, as Electron ignores it.
    expect(userDataDir(undefined, 'linux', { XDG_CONFIG_HOME: 'cfg' }, '/home/ada')).toBe(
      '/home/ada/.config/HealthChain',
    );
    expect(userDataDir(undefined, 'darwin', {}, '/Users/ada')).toBe(
      '/Users/ada/Library/Application Support/HealthChain',
    );
    expect(userDataDir(undefined, 'win32', { APPDATA: 'C:/Users/ada/AppData/Roaming' }, 'C:/Users/ada')).toMatch(
      /AppData[\\/]Roaming[\\/]HealthChain$/,
    );
  });
});

describe('describeChoice', () => {
  it('says where the envelope came from', () => {
    expect(describeChoice({ envelope: 'v3', from: 'managed', where: '/etc/healthchain/managed-settings.json' })).toBe(
      'envelope v3 (pinned by IT: /etc/healthchain/managed-settings.json)',
    );
    expect(describeChoice({ envelope: 'v1', from: 'flag', where: null })).toBe('envelope v1 (--envelope)');
    expect(describeChoice({ envelope: 'v1', from: 'default', where: '/x/settings.json' })).toBe(
      'envelope v1 (the default: no ledgerEnvelope set)',
    );
  });
});

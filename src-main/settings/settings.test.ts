// The settings model and the IPC contract's copy of it must name the same keys: `locked` travels to the renderer
// through a schema that knows only the contract's keys, so a key missing there would break settings.get.
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS as CONTRACT_KEYS, settingsSchema } from '../../src-shared/ipc/data';
import { DEFAULT_SETTINGS, SETTING_KEYS } from './settings';

describe('settings model', () => {
  it('has the same keys as the IPC contract, and its defaults pass the contract schema', () => {
    expect([...SETTING_KEYS].sort()).toEqual([...CONTRACT_KEYS].sort());
    expect(Object.keys(DEFAULT_SETTINGS).sort()).toEqual([...SETTING_KEYS].sort());
    expect(settingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('turns the kiosk camera on by default', () => {
    expect(DEFAULT_SETTINGS.kioskCamera).toBe(true);
  });
});

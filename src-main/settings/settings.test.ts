// The settings model and the IPC contract's copy of it must name the same keys: `locked` travels to the renderer
// through a schema that knows only the contract's keys, so a key missing there would break settings.get.
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS as CONTRACT_KEYS, settingsPatchSchema, settingsSchema } from '../../src-shared/ipc/data';
import { DEFAULT_SETTINGS, SETTING_KEYS, parsePartialSettings } from './settings';

describe('settings model', () => {
  it('has the same keys as the IPC contract, and its defaults pass the contract schema', () => {
    expect([...SETTING_KEYS].sort()).toEqual([...CONTRACT_KEYS].sort());
    expect(Object.keys(DEFAULT_SETTINGS).sort()).toEqual([...SETTING_KEYS].sort());
    expect(settingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('turns the kiosk camera on by default', () => {
    expect(DEFAULT_SETTINGS.kioskCamera).toBe(true);
  });

  it('keeps list checkpoints on by default, and refuses anything but a boolean with the form message', () => {
    expect(DEFAULT_SETTINGS.listCheckpoints).toBe(true);
    expect(parsePartialSettings({ listCheckpoints: false })).toEqual({ ok: true, values: { listCheckpoints: false } });
    for (const value of ['false', 0, 1, null, 'off'])
      expect(parsePartialSettings({ listCheckpoints: value }), String(value)).toEqual({
        ok: false,
        reason: 'listCheckpoints: must be true or false',
      });
    // The same message in the renderer's form, which checks its patch with the contract's schema.
    const patch = settingsPatchSchema.safeParse({ listCheckpoints: 'yes' });
    expect(!patch.success && patch.error.issues[0]?.message).toBe('must be true or false');
  });
});

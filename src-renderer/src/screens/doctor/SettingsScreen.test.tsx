import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../../src-shared/ipc';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { SettingsScreen } from './SettingsScreen';

function view(locked: SettingsView['locked']): SettingsView {
  return {
    values: {
      nodeUrls: ['https://ledger.hospital.example:9984'],
      autoLockMinutes: 10,
      kioskIdleSeconds: 90,
      allowUserNodeUrls: false,
      trustedPractitionerKeys: [],
      kioskCamera: true,
      hospitalAuthority: '',
      ledgerEnvelope: 'v1',
      listCheckpoints: true,
    },
    locked,
  };
}

describe('Settings', () => {
  it('shows a value fixed by IT disabled, with the lock notice as its description, and never sends it', async () => {
    const { user, main } = setup(<SettingsScreen />, {
      'settings.get': () => view(['nodeUrls']),
      'settings.set': (req) => ({
        ...view(['nodeUrls']),
        values: { ...view([]).values, ...(req as { patch: object }).patch },
      }),
    });
    const urls = await screen.findByRole('textbox', { name: /Node URLs/ });
    expect((urls as HTMLTextAreaElement).disabled).toBe(true);
    expect((urls as HTMLTextAreaElement).value).toBe('https://ledger.hospital.example:9984');
    expect(document.getElementById(urls.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Set by your IT department',
    );

    const autoLock = screen.getByRole('spinbutton', { name: 'Auto-lock after (minutes)' });
    expect((autoLock as HTMLInputElement).disabled).toBe(false);
    await user.clear(autoLock);
    await user.type(autoLock, '20');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(main.callsTo('settings.set')).toEqual([{ patch: { autoLockMinutes: 20 } }]);
    expect(await screen.findByText('Settings saved')).toBeTruthy();
  });

  it('disables saving when IT fixed every value on the form', async () => {
    setup(<SettingsScreen />, { 'settings.get': () => view(['nodeUrls', 'autoLockMinutes']) });
    const autoLock = await screen.findByRole('spinbutton', { name: 'Auto-lock after (minutes)' });
    expect((autoLock as HTMLInputElement).disabled).toBe(true);
    expect(screen.getAllByText('Set by your IT department')).toHaveLength(2);
    expect((screen.getByRole('button', { name: 'Save settings' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('checks values before sending: a bad URL and an out-of-range auto-lock time', async () => {
    const { user, main } = setup(<SettingsScreen />, {
      'settings.get': () => view([]),
      'settings.set': () => view([]),
    });
    const urls = await screen.findByRole('textbox', { name: /Node URLs/ });
    await user.clear(urls);
    await user.type(urls, 'ftp://ledger');
    const autoLock = screen.getByRole('spinbutton', { name: 'Auto-lock after (minutes)' });
    await user.clear(autoLock);
    await user.type(autoLock, '0');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText('Node URL must be an http(s) URL')).toBeTruthy();
    expect(screen.getByText('Auto-lock must be at least 1 minute')).toBeTruthy();
    expect(main.callsTo('settings.set')).toHaveLength(0);
  });

  it('#14: refuses a plain http node URL to another computer, naming the rule; loopback http is fine', async () => {
    const { user, main } = setup(<SettingsScreen />, {
      'settings.get': () => view([]),
      'settings.set': () => view([]),
    });
    const urls = await screen.findByRole('textbox', { name: /Node URLs/ });
    await user.clear(urls);
    await user.type(urls, 'http://ledger.hospital.example:9984');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(
      screen.getByText(/^Node URL must use https:\/\/ — plain http:\/\/ is allowed only for a node on this computer/),
    ).toBeTruthy();
    expect(main.callsTo('settings.set')).toHaveLength(0);
    await user.clear(urls);
    await user.type(urls, 'http://127.0.0.1:9984');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(main.callsTo('settings.set')).toEqual([
      { patch: { nodeUrls: ['http://127.0.0.1:9984'], autoLockMinutes: 10 } },
    ]);
  });

  it('shows main’s refusal of a setting IT locked meanwhile', async () => {
    const { user } = setup(<SettingsScreen />, {
      'settings.get': () => view([]),
      'settings.set': () => {
        throw new FakeIpcError({ code: 'SETTING_LOCKED', message: 'autoLockMinutes is set by your IT department' });
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Save settings' }));
    const form = screen.getByRole('form', { name: 'Settings' });
    expect((await within(form).findByRole('alert')).textContent).toBe('autoLockMinutes is set by your IT department');
  });
});

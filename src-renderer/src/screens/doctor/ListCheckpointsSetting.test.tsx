import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../../src-shared/ipc';
import { setup } from '../../test/render';
import { SettingsScreen } from './SettingsScreen';

function view(locked: SettingsView['locked'], listCheckpoints = true): SettingsView {
  return {
    values: {
      nodeUrls: [],
      autoLockMinutes: 10,
      kioskIdleSeconds: 90,
      allowUserNodeUrls: true,
      trustedPractitionerKeys: [],
      kioskCamera: true,
      hospitalAuthority: '',
      ledgerEnvelope: 'v3',
      listCheckpoints,
    },
    locked,
  };
}

const NAME = 'Keep my list checkpoint on the ledger';

describe('Settings: the list checkpoint', () => {
  it('shows it on, and sends only it when the doctor turns it off', async () => {
    const { user, main } = setup(<SettingsScreen />, {
      'settings.get': () => view([]),
      'settings.set': (req) => view([], (req as { patch: { listCheckpoints: boolean } }).patch.listCheckpoints),
    });
    const box = (await screen.findByRole('checkbox', { name: NAME })) as HTMLInputElement;
    expect(box.checked).toBe(true);
    const button = screen.getByRole('button', { name: 'Save list checkpoint' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true); // nothing changed yet
    await user.click(box);
    await user.click(button);
    expect(main.callsTo('settings.set')).toEqual([{ patch: { listCheckpoints: false } }]);
    expect(await screen.findByText('List checkpoint saved')).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: NAME }) as HTMLInputElement).checked).toBe(false);
  });

  it('shows a value IT turned off disabled, with the lock notice as its description', async () => {
    const { main } = setup(<SettingsScreen />, { 'settings.get': () => view(['listCheckpoints'], false) });
    const box = (await screen.findByRole('checkbox', { name: NAME })) as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(box.disabled).toBe(true);
    expect(document.getElementById(box.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Set by your IT department',
    );
    expect((screen.getByRole('button', { name: 'Save list checkpoint' }) as HTMLButtonElement).disabled).toBe(true);
    expect(main.callsTo('settings.set')).toHaveLength(0);
  });
});

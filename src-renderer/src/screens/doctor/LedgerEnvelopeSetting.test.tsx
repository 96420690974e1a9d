import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../../src-shared/ipc';
import { setup } from '../../test/render';
import { SettingsScreen } from './SettingsScreen';

function view(locked: SettingsView['locked'], ledgerEnvelope: 'v1' | 'v3' = 'v1'): SettingsView {
  return {
    values: {
      nodeUrls: [],
      autoLockMinutes: 10,
      kioskIdleSeconds: 90,
      allowUserNodeUrls: true,
      trustedPractitionerKeys: [],
      kioskCamera: true,
      hospitalAuthority: '',
      ledgerEnvelope,
      listCheckpoints: true,
    },
    locked,
  };
}

describe('Settings: envelope of new charts', () => {
  it('shows the current envelope and sends only it when the doctor switches to v3', async () => {
    const { user, main } = setup(<SettingsScreen />, {
      'settings.get': () => view([]),
      'settings.set': (req) => view([], (req as { patch: { ledgerEnvelope: 'v1' | 'v3' } }).patch.ledgerEnvelope),
    });
    const select = (await screen.findByRole('combobox', { name: 'Envelope for new charts' })) as HTMLSelectElement;
    expect(select.value).toBe('v1');
    const button = screen.getByRole('button', { name: 'Save envelope' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true); // nothing changed yet
    await user.selectOptions(select, 'v3');
    await user.click(button);
    expect(main.callsTo('settings.set')).toEqual([{ patch: { ledgerEnvelope: 'v3' } }]);
    expect(await screen.findByText('Envelope saved')).toBeTruthy();
  });

  it('shows an envelope fixed by IT disabled, with the lock notice as its description', async () => {
    const { main } = setup(<SettingsScreen />, { 'settings.get': () => view(['ledgerEnvelope'], 'v3') });
    const select = (await screen.findByRole('combobox', { name: 'Envelope for new charts' })) as HTMLSelectElement;
    expect(select.value).toBe('v3');
    expect(select.disabled).toBe(true);
    expect(document.getElementById(select.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Set by your IT department',
    );
    expect((screen.getByRole('button', { name: 'Save envelope' }) as HTMLButtonElement).disabled).toBe(true);
    expect(main.callsTo('settings.set')).toHaveLength(0);
  });
});

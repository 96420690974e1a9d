import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../../src-shared/ipc';
import { setup } from '../../test/render';
import { appStatus, doctor } from '../../test/fixtures';
import { useSession } from '../../stores/session';
import { FirstRun } from './FirstRun';

const settings: SettingsView = {
  values: {
    nodeUrls: [],
    autoLockMinutes: 10,
    kioskIdleSeconds: 90,
    allowUserNodeUrls: true,
    trustedPractitionerKeys: [],
    kioskCamera: true,
    hospitalAuthority: '',
    ledgerEnvelope: 'v1',
    listCheckpoints: true,
  },
  locked: [],
};

function handlers() {
  return {
    'vault.create': () => ({ identity: doctor }),
    'settings.get': () => settings,
    'settings.set': (req: unknown) => ({
      ...settings,
      values: { ...settings.values, ...(req as { patch: object }).patch },
    }),
    'settings.testNode': (req: unknown) => ({ url: (req as { url: string }).url, reachable: true }),
    'app.status': () => appStatus(),
  };
}

async function fillIdentity(user: ReturnType<typeof setup>['user'], password: string, confirm = password) {
  await user.type(screen.getByRole('textbox', { name: 'Full name' }), 'Lena Okafor');
  await user.type(screen.getByRole('textbox', { name: 'Specialty' }), 'General practice');
  await user.type(screen.getByRole('textbox', { name: 'Licence number' }), 'GMC-123456');
  await user.type(screen.getByLabelText('Password'), password);
  await user.type(screen.getByLabelText('Confirm password'), confirm);
}

describe('First run', () => {
  it('refuses a weak or mismatched password with the vault’s own messages', async () => {
    const { user, main } = setup(<FirstRun />, handlers());
    await fillIdentity(user, 'okafor-password', 'something else');
    await user.click(screen.getByRole('button', { name: 'Create identity' }));
    expect(screen.getByText('Do not use your name or licence number in the password.')).toBeTruthy();
    expect(screen.getByText('The passwords do not match')).toBeTruthy();
    expect(main.callsTo('vault.create')).toHaveLength(0);
  });

  it('creates the identity, then sets hospital node URLs after testing them, then enters the console', async () => {
    const { user, main } = setup(<FirstRun />, handlers());
    await fillIdentity(user, 'a long clinic sentence');
    await user.click(screen.getByRole('button', { name: 'Create identity' }));
    expect(main.callsTo('vault.create')).toEqual([
      {
        name: 'Lena Okafor',
        specialty: 'General practice',
        licenceNumber: 'GMC-123456',
        password: 'a long clinic sentence',
      },
    ]);

    expect(await screen.findByRole('heading', { name: 'Choose the ledger node' })).toBeTruthy();
    await user.click(screen.getByRole('radio', { name: /hospital's node URLs/ }));
    await user.type(
      screen.getByRole('textbox', { name: 'Node URLs (one per line)' }),
      'https://ledger-1.hospital.example:9984',
    );
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const results = await screen.findByRole('list', { name: 'Connection test results' });
    // #14: main answers reachable or not, nothing more.
    expect(results.textContent).toBe('Reachable https://ledger-1.hospital.example:9984');

    await user.click(screen.getByRole('button', { name: 'Start using HealthChain' }));
    expect(main.callsTo('settings.set')).toEqual([{ patch: { nodeUrls: ['https://ledger-1.hospital.example:9984'] } }]);
    expect(useSession.getState()).toMatchObject({ phase: 'ready', identity: doctor });
  });

  it('imports an encrypted backup, unlocks it with the same password, then asks for the node', async () => {
    useSession.setState({ phase: 'first-run' }); // as DoctorApp leaves it for a workstation with no identity
    const { user, main } = setup(<FirstRun />, {
      ...handlers(),
      'vault.importBackup': () => ({ identity: doctor }),
      'vault.unlock': () => ({ identity: doctor }),
    });
    await user.click(screen.getByRole('tab', { name: 'Import a backup' }));
    await user.click(screen.getByRole('button', { name: 'Import backup' }));
    expect(screen.getByRole('alert').textContent).toBe('Choose a backup file');

    const file = new File(['{"type":"hc.backup/1","sealed":"…"}'], 'okafor.hcbackup', { type: 'application/json' });
    await user.upload(screen.getByLabelText('Backup file'), file);
    await user.type(screen.getByLabelText('Backup password'), 'a long clinic sentence');
    await user.click(screen.getByRole('button', { name: 'Import backup' }));

    expect(await screen.findByRole('heading', { name: 'Choose the ledger node' })).toBeTruthy();
    expect(main.callsTo('vault.importBackup')).toEqual([
      { backup: '{"type":"hc.backup/1","sealed":"…"}', password: 'a long clinic sentence' },
    ]);
    expect(main.callsTo('vault.unlock')).toEqual([{ id: doctor.id, password: 'a long clinic sentence' }]);
    // Still in first run until the node is chosen.
    expect(useSession.getState().phase).toBe('first-run');
  });
});

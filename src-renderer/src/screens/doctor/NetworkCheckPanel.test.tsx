import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { NetworkCheck, SettingsView } from '../../../../src-shared/ipc';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { SettingsScreen } from './SettingsScreen';

const settings: SettingsView = {
  values: {
    nodeUrls: ['https://l1.example', 'https://l2.example'],
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

const failed: NetworkCheck = {
  checkedAt: '2026-12-04T14:00:00.000Z',
  verdict: 'failed',
  summary: '1 of 2 nodes does not answer; 1 problem (see below).',
  nodes: [
    {
      url: 'https://l1.example',
      reachable: true,
      version: '2.2.2',
      latencyMs: 20,
      height: 1234,
      chain: 'A',
      streamUrl: 'wss://l1.example:443/api/v1/streams/valid_transactions',
      streamOpens: true,
      error: null,
    },
    {
      url: 'https://l2.example',
      reachable: false,
      version: null,
      latencyMs: null,
      height: null,
      chain: null,
      streamUrl: null,
      streamOpens: null,
      error: 'does not answer: connect ECONNREFUSED',
    },
  ],
  chains: [{ label: 'A', validators: '4 validators, total power 40, key fingerprint 0123abcd', nodes: [1] }],
  problems: [{ severity: 'failed', message: 'node 2 (https://l2.example) does not answer: connect ECONNREFUSED.' }],
  notes: [],
  text: 'HealthChain ledger network check\nResult:     FAILED - 1 of 2 nodes does not answer\n',
};

describe('Settings → Ledger nodes: network check', () => {
  it("checks the network on request and shows main's result: verdict, one row per node, problems, the report", async () => {
    const { user, main } = setup(<SettingsScreen />, { 'settings.get': () => settings, 'network.check': () => failed });
    await user.click(await screen.findByRole('button', { name: 'Check the network' }));
    const result = await screen.findByLabelText('Network check result');
    expect(main.callsTo('network.check')).toEqual([{}]);
    expect(within(result).getByRole('status').textContent).toBe(
      'Failed 1 of 2 nodes does not answer; 1 problem (see below).',
    );
    const rows = within(result)
      .getAllByRole('row')
      .slice(1)
      .map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      );
    expect(rows).toEqual([
      ['1', 'https://l1.example', 'yes (BigchainDB 2.2.2)', 'A', '1234', 'opens'],
      ['2', 'https://l2.example', 'no', '–', '–', '–'],
    ]);
    expect(within(within(result).getByRole('list', { name: 'Problems' })).getByRole('listitem').textContent).toBe(
      'Failed node 2 (https://l2.example) does not answer: connect ECONNREFUSED.',
    );
    const report = screen.getByRole('textbox', { name: 'Report for a ticket' }) as HTMLTextAreaElement;
    expect(report.value).toBe(failed.text);
    await user.click(screen.getByRole('button', { name: 'Copy report' }));
    expect([report.selectionStart, report.selectionEnd]).toEqual([0, failed.text.length]);
    expect(screen.getByText(/^Report (copied\.|selected: press Ctrl\+C)/)).toBeTruthy();
  });

  it('shows why the check could not run', async () => {
    const { user } = setup(<SettingsScreen />, {
      'settings.get': () => settings,
      'network.check': () => {
        throw new FakeIpcError({ code: 'INTERNAL', message: 'The check failed to start.' });
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Check the network' }));
    expect(await screen.findByText('The check failed to start.')).toBeTruthy();
    expect(screen.queryByLabelText('Network check result')).toBeNull();
  });
});

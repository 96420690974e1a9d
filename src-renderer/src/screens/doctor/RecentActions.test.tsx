import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RecentAction } from '../../../../src-shared/ipc';
import { setup } from '../../test/render';
import { txId } from '../../test/fixtures';
import { useActivity } from '../../stores/activity';
import { RecentActions } from './RecentActions';

const action = (state: RecentAction['state']): RecentAction => ({
  txId: txId(9),
  chartId: txId(1),
  action: 'update',
  at: '2026-11-20T10:00:00.000Z',
  patientName: 'Amelia Quartermaine',
  state,
  error: null,
});

describe('Recent actions', () => {
  it('updates live from main’s event: a pending action turns committed', async () => {
    const { main } = setup(<RecentActions />, { 'charts.recent': () => ({ actions: [action('pending')] }) });
    await act(async () => {
      await useActivity.getState().load();
    });
    const off = useActivity.getState().subscribe();
    const list = screen.getByRole('list', { name: 'Recent actions' });
    expect(within(list).getByRole('listitem').textContent).toContain('Pending');
    act(() => main.emit('recentActions', { actions: [action('committed')] }));
    expect(within(list).getByRole('listitem').textContent).toContain('On the ledger');
    expect(within(list).getByRole('listitem').textContent).toContain('Edited chart');
    off();
  });

  it('offers to discard a version the node rejected, and only that one', async () => {
    let discarded = false;
    const rejected = { ...action('rejected'), error: 'Invalid transaction (DoubleSpend): input was already spent' };
    const { user, main } = setup(<RecentActions />, {
      'charts.recent': () => ({ actions: discarded ? [] : [rejected, { ...action('committed'), txId: txId(8) }] }),
      'charts.discardRejected': () => {
        discarded = true;
        return {};
      },
    });
    await act(async () => {
      await useActivity.getState().load();
    });
    const buttons = screen.getAllByRole('button', { name: 'Discard rejected version' });
    expect(buttons).toHaveLength(1);
    await user.click(buttons[0]!);
    expect(main.callsTo('charts.discardRejected')).toEqual([{ txId: txId(9) }]);
    expect(await screen.findByText('No actions yet. Changes you sign appear here.')).toBeTruthy();
  });

  it('says when there is nothing yet', async () => {
    setup(<RecentActions />, { 'charts.recent': () => ({ actions: [] }) });
    await act(async () => {
      await useActivity.getState().load();
    });
    expect(screen.getByText('No actions yet. Changes you sign appear here.')).toBeTruthy();
  });
});

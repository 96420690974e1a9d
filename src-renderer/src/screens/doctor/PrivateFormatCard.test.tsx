import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { txId } from '../../test/fixtures';
import { PrivateFormatCard } from './PrivateFormatCard';

const upgradeButton = () => screen.getByRole('button', { name: 'Upgrade my charts' });

describe('upgrading the signed-in doctor’s charts to the private format', () => {
  it('refuses a bad pause and an empty password before calling main', async () => {
    const { user, main } = setup(<PrivateFormatCard />, {});
    const pause = screen.getByLabelText('Longest pause between writes (seconds)');
    await user.clear(pause);
    await user.type(pause, '-1');
    await user.type(screen.getByLabelText('Your password'), 'correct horse battery');
    await user.click(upgradeButton());
    expect(await screen.findByText('Pause must be 0 or more seconds')).toBeTruthy();
    await user.clear(pause);
    await user.type(pause, '61');
    await user.click(upgradeButton());
    expect(await screen.findByText('Pause must be at most 60 seconds')).toBeTruthy();
    await user.clear(pause);
    await user.type(pause, '0');
    await user.clear(screen.getByLabelText('Your password'));
    await user.click(upgradeButton());
    expect(await screen.findByText('Enter your password')).toBeTruthy();
    expect(main.callsTo('charts.upgradeV3')).toHaveLength(0);
  });

  it('shows a wrong password, then runs once with the pause chosen and lists each chart’s result', async () => {
    let attempts = 0;
    let release = () => undefined as void;
    const { user, main } = setup(<PrivateFormatCard />, {
      'charts.list': () => ({ charts: [] }),
      'charts.upgradeV3': async () => {
        attempts++;
        if (attempts === 1)
          throw new FakeIpcError({
            code: 'WRONG_PASSWORD',
            message: 'Wrong password.',
            fields: { password: 'Wrong password.' },
          });
        await new Promise<void>((resolve) => (release = resolve));
        return {
          charts: [
            { chartId: txId(1), status: 'upgraded', newChartId: txId(101), resumed: false, reason: null },
            { chartId: txId(2), status: 'upgraded', newChartId: txId(102), resumed: true, reason: null },
            { chartId: txId(3), status: 'skipped', newChartId: txId(103), resumed: false, reason: 'already moved' },
            { chartId: txId(4), status: 'failed', newChartId: null, resumed: false, reason: 'tampered: bad id' },
          ],
        };
      },
    });
    await user.type(screen.getByLabelText('Your password'), 'wrong one');
    await user.click(upgradeButton());
    expect(await screen.findByText('Wrong password.')).toBeTruthy();
    expect((screen.getByLabelText('Your password') as HTMLInputElement).value).toBe('');
    expect(screen.queryByRole('group', { name: 'Upgrade report' })).toBeNull();
    expect(main.callsTo('charts.list')).toHaveLength(0);

    const pause = screen.getByLabelText('Longest pause between writes (seconds)');
    await user.clear(pause);
    await user.type(pause, '5');
    await user.type(screen.getByLabelText('Your password'), 'correct horse battery');
    await user.click(upgradeButton());
    expect(await screen.findByText(/this takes a while/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Upgrading…' }) as HTMLButtonElement).disabled).toBe(true);
    release();

    const report = await screen.findByRole('group', { name: 'Upgrade report' });
    expect(report.textContent).toContain('Upgrade: 2 upgraded, 1 skipped, 1 failed');
    const rows = within(within(report).getByRole('table', { name: 'Upgrade per chart' })).getAllByRole('row');
    expect(rows.slice(1).map((r) => r.textContent)).toEqual([
      `${txId(1).slice(0, 16)}…Upgraded${txId(101).slice(0, 16)}…`,
      `${txId(2).slice(0, 16)}…Upgraded (finished an earlier run)${txId(102).slice(0, 16)}…`,
      `${txId(3).slice(0, 16)}…Skippedalready moved`,
      `${txId(4).slice(0, 16)}…Failedtampered: bad id`,
    ]);
    expect(main.callsTo('charts.upgradeV3')).toEqual([
      { password: 'wrong one', spreadSeconds: 2 },
      { password: 'correct horse battery', spreadSeconds: 5 },
    ]);
    expect((screen.getByLabelText('Your password') as HTMLInputElement).value).toBe('');
    expect(main.callsTo('charts.list')).toHaveLength(1); // the list reads the new charts
  });

  it('says so when the doctor holds no charts to upgrade', async () => {
    const { user } = setup(<PrivateFormatCard />, {
      'charts.list': () => ({ charts: [] }),
      'charts.upgradeV3': () => ({ charts: [] }),
    });
    await user.type(screen.getByLabelText('Your password'), 'correct horse battery');
    await user.click(upgradeButton());
    expect(await screen.findByText('You hold no charts to upgrade.')).toBeTruthy();
  });
});

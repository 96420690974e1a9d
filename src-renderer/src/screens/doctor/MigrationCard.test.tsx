import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { KEY_ME, txId } from '../../test/fixtures';
import { MIGRATION_BATCH, MigrationCard } from './MigrationCard';

describe("migrating the signed-in doctor's charts", () => {
  it('shows what each chart lacks, stops on a wrong password, then migrates in batches and reports each chart', async () => {
    const ids = Array.from({ length: MIGRATION_BATCH + 2 }, (_, i) => txId(100 + i));
    let migrated = false;
    let attempts = 0;
    const { user, main } = setup(<MigrationCard />, {
      'hospital.migrationPlan': () => ({
        signKey: KEY_ME,
        charts: [
          ...ids.map((chartId, i) => ({
            chartId,
            seq: 1,
            gaps: migrated ? [] : i === 0 ? ['custody', 'recovery', 'emergency'] : ['emergency'],
            blocked: null,
          })),
          { chartId: txId(99), seq: 4, gaps: [], blocked: null },
        ],
      }),
      'hospital.migrate': (req) => {
        attempts++;
        if (attempts === 1)
          throw new FakeIpcError({
            code: 'WRONG_PASSWORD',
            message: 'Wrong password.',
            fields: { password: 'Wrong password.' },
          });
        const { chartIds } = req as { chartIds: string[] };
        if (chartIds.includes(ids.at(-1)!)) migrated = true;
        return {
          charts: chartIds.map((chartId, i) =>
            chartId === ids[1]
              ? { chartId, status: 'failed', txId: null, reason: 'The node is unreachable' }
              : { chartId, status: 'done', txId: txId(500 + i), reason: null },
          ),
        };
      },
    });
    const table = await screen.findByRole('table', { name: 'Charts to migrate' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]!.textContent).toMatch(/custody the quorum can move.*recovery key.*emergency key/);
    expect(rows.at(-1)!.textContent).toMatch(/Nothing: under the hospital/);

    await user.type(screen.getByLabelText('Your password'), 'wrong one');
    await user.click(screen.getByRole('button', { name: `Migrate ${ids.length} charts` }));
    expect(await screen.findByText('Wrong password.')).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'Migration report' })).toBeNull();

    await user.type(screen.getByLabelText('Your password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: `Migrate ${ids.length} charts` }));
    const report = await screen.findByRole('group', { name: 'Migration report' });
    expect(report.textContent).toContain(`Migration: ${ids.length - 1} done, 0 skipped, 1 failed`);
    expect(within(report).getByText('The node is unreachable')).toBeTruthy();
    const calls = main.callsTo('hospital.migrate') as { chartIds: string[]; password: string }[];
    expect(calls.slice(1).map((c) => c.chartIds)).toEqual([ids.slice(0, MIGRATION_BATCH), ids.slice(MIGRATION_BATCH)]);
    expect(calls.every((c) => !c.chartIds.includes(txId(99)))).toBe(true);
    // The plan is read again: nothing left to migrate, so no button.
    expect(await screen.findAllByText('Nothing: under the hospital')).toHaveLength(ids.length + 1);
    expect(screen.queryByRole('button', { name: /Migrate/ })).toBeNull();
  });

  it('does not offer again a chart this run migrated while the ledger has not caught up', async () => {
    const { user, main } = setup(<MigrationCard />, {
      'hospital.migrationPlan': () => ({
        signKey: KEY_ME,
        charts: [{ chartId: txId(7), seq: 2, gaps: ['custody', 'recovery'], blocked: null }],
      }),
      'hospital.migrate': () => ({ charts: [{ chartId: txId(7), status: 'done', txId: txId(8), reason: null }] }),
    });
    await user.type(await screen.findByLabelText('Your password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Migrate 1 chart' }));
    expect(await screen.findByText('Migrated: the new version is being sent')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Migrate/ })).toBeNull();
    expect(main.callsTo('hospital.migrate')).toEqual([{ password: 'correct horse battery', chartIds: [txId(7)] }]);
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Chart } from '../../../../src-shared/records';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import {
  chartView,
  historyEntries,
  KEY_OTHER,
  KEY_THIRD,
  txId,
  verificationReport,
  written,
} from '../../test/fixtures';
import { chartAccess } from '../../test/access-fixtures';
import { ChartScreen } from './ChartScreen';

const chartId = txId(1);

describe('Chart view: verify panel', () => {
  it('verifies the shown version and lists transaction id, checks, signatures and the version chain', async () => {
    const { user, main } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.verify': () => verificationReport(),
      'app.openExternal': () => ({}),
    });
    await screen.findByRole('heading', { name: 'Amelia Quartermaine' });
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    const panel = screen.getByRole('region', { name: 'Verification' });
    expect((await within(panel).findByRole('status')).textContent).toContain('Verified against the ledger');
    expect(main.callsTo('charts.verify')).toEqual([{ chartId, seq: 2 }]);
    expect(within(panel).getByText(txId(2))).toBeTruthy();
    expect(within(panel).getByText('TRANSFER (version 2)')).toBeTruthy();
    const checks = within(within(panel).getByRole('list', { name: 'Checks' })).getAllByRole('listitem');
    expect(checks.map((li) => li.textContent?.trim())).toEqual([
      'Transaction id matches its content',
      'Spends version 1',
    ]);
    const signatures = within(panel).getByRole('list', { name: 'Signatures' });
    expect(signatures.textContent).toContain('Dr. Lena Okafor');
    expect(within(signatures).getByRole('img', { name: 'passed' })).toBeTruthy();
    const chain = within(within(panel).getByRole('list', { name: 'Version chain' })).getAllByRole('listitem');
    expect(chain.map((li) => li.textContent?.trim().slice(0, 19))).toEqual([
      'Version 1 · create ',
      'Version 2 · update ',
    ]);

    await user.click(within(panel).getByRole('button', { name: 'View on node' }));
    expect(main.callsTo('app.openExternal')).toEqual([{ url: verificationReport().txUrl }]);
  });

  it('shows a failed verification with its exact reason and the failing check marked', async () => {
    const reason = 'Transaction id does not match the hash of its content';
    const { user } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.verify': () =>
        verificationReport({
          ok: false,
          reason,
          checks: [{ label: 'Transaction id matches its content', ok: false, detail: 'expected 00…01' }],
        }),
    });
    await screen.findByRole('heading', { name: 'Amelia Quartermaine' });
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    const panel = screen.getByRole('region', { name: 'Verification' });
    expect((await within(panel).findByRole('status')).textContent).toContain(`Verification failed: ${reason}`);
    expect(
      within(within(panel).getByRole('list', { name: 'Checks' })).getByRole('img', { name: 'failed' }),
    ).toBeTruthy();
  });

  it('says when the link to the node is refused', async () => {
    const { user } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.verify': () => verificationReport(),
      'app.openExternal': () => {
        throw new FakeIpcError({
          code: 'URL_NOT_ALLOWED',
          message: 'Only transaction links on the configured node can be opened',
        });
      },
    });
    await screen.findByRole('heading', { name: 'Amelia Quartermaine' });
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await user.click(await screen.findByRole('button', { name: 'View on node' }));
    expect(
      (await screen.findByText('Only transaction links on the configured node can be opened')).getAttribute('role'),
    ).toBe('alert');
  });
});

describe('Chart view: tampered and pending states', () => {
  it('shows a tampered chart as an alert with its reason, and no chart data and no edit action', async () => {
    const reason = 'Signature of 6zQ5…HTZV does not verify';
    setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView({}, { integrity: 'tampered', tamperReason: reason, patientName: '' }),
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Tampered: this chart failed verification against the ledger');
    expect(alert.textContent).toContain(reason);
    expect(screen.queryByRole('tablist')).toBeNull();
    expect(screen.getByText('No chart data is shown for a version that failed verification.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Edit chart' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Revoke chart' })).toBeNull();
  });

  it('shows a chart of unknown author plainly: its own badge and alert with the reason, never Verified, no data', async () => {
    const reason = `Unknown author: version 1 was signed by ${KEY_THIRD}, who holds no credential of this hospital`;
    setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () =>
        chartView({ data: null }, { integrity: 'unknown-author', tamperReason: reason, patientName: '' }),
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Unknown author: not written by a practitioner of this hospital');
    expect(alert.textContent).toContain(reason);
    expect(screen.getByRole('heading', { name: 'Chart of unknown author' })).toBeTruthy();
    expect(screen.getAllByText('Unknown author').length).toBeGreaterThan(0);
    expect(screen.queryByText('Verified')).toBeNull();
    expect(screen.queryByRole('tablist')).toBeNull();
    expect(
      screen.getByText('No chart data is shown for a version whose author the hospital did not vouch for.'),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Edit chart' })).toBeNull();
  });

  it('shows a pending chart with a warning banner while still showing its data', async () => {
    setup(<ChartScreen chartId={chartId} />, { 'charts.get': () => chartView({}, { integrity: 'pending' }) });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Pending: not yet committed to the ledger');
    expect(screen.getByRole('tablist', { name: 'Chart sections' })).toBeTruthy();
    expect(screen.getAllByText('Pending').length).toBeGreaterThan(0);
  });

  it('shows a verified chart without any warning', async () => {
    setup(<ChartScreen chartId={chartId} />, { 'charts.get': () => chartView() });
    await screen.findByRole('heading', { name: 'Amelia Quartermaine' });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('Chart view: actions', () => {
  it('revokes after confirmation, with the reason, and then shows the chart as revoked', async () => {
    let revoked = false;
    const { user, main } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView({}, revoked ? { status: 'revoked', seq: 3, headTxId: txId(3) } : {}),
      'charts.revoke': () => {
        revoked = true;
        return written({ status: 'revoked', seq: 3, headTxId: txId(3) }, 'revoke');
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Revoke chart' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke the chart of Amelia Quartermaine?' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Reason (optional)' }), 'Duplicate chart');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke chart' }));

    expect(main.callsTo('charts.revoke')).toEqual([{ chartId, reason: 'Duplicate chart' }]);
    expect((await screen.findByRole('alert')).textContent).toContain('Revoked chart');
    expect(screen.getByRole('button', { name: 'Restore chart' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Edit chart' })).toBeNull();
  });

  it('shows the history with field diffs and can open an older version', async () => {
    const { user, main } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': (req) => ((req as { seq?: number }).seq === 1 ? chartView({ seq: 1, txId: txId(1) }) : chartView()),
      'charts.history': () => ({ versions: historyEntries() }),
    });
    await user.click(await screen.findByRole('button', { name: 'History' }));
    const changes = await screen.findByRole('table', { name: 'Changes in version 2' });
    const cells = within(changes)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells).toEqual(['Medication "Metformin" › Dose', '500 mg', '1000 mg']);

    await user.click(screen.getByRole('button', { name: 'View version 1' }));
    expect(main.callsTo('charts.get')).toContainEqual({ chartId, seq: 1 });
    expect(await screen.findByText('You are viewing version 1 of 2')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Edit chart' })).toBeNull();
  });

  it('shares with a doctor picked from the practitioner directory', async () => {
    const { user, main } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.practitioners': () => ({
        practitioners: [
          {
            name: 'Dr. Tomasz Wierzbicki',
            specialty: 'Cardiology',
            signKey: KEY_THIRD,
            boxKey: KEY_OTHER,
            trusted: true,
          },
        ],
      }),
      'charts.share': () => written({ seq: 3, headTxId: txId(3) }, 'share'),
    });
    await user.click(await screen.findByRole('button', { name: 'Share' }));
    const dialog = screen.getByRole('dialog', { name: 'Share with a doctor' });
    await user.click(await within(dialog).findByRole('button', { name: 'Share with Dr. Tomasz Wierzbicki' }));
    await waitFor(() => expect(main.callsTo('charts.share')).toEqual([{ chartId, signKey: KEY_THIRD }]));
  });

  it("with a hospital authority pinned, shows the credential's licence instead of the IT trust badge", async () => {
    const { user } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.practitioners': () => ({
        practitioners: [
          {
            name: 'Dr. Tomasz Wierzbicki',
            specialty: 'Cardiology',
            signKey: KEY_THIRD,
            boxKey: KEY_OTHER,
            trusted: false,
            licence: 'GMC 7005678',
          },
        ],
        unavailable: null,
      }),
    });
    await user.click(await screen.findByRole('button', { name: 'Share' }));
    const dialog = screen.getByRole('dialog', { name: 'Share with a doctor' });
    expect(await within(dialog).findByText('Licence GMC 7005678')).toBeTruthy();
    expect(within(dialog).queryByText('Trusted by IT')).toBeNull();
  });

  it('says why the directory is empty when the pinned hospital authority cannot be verified', async () => {
    const reason = 'No practitioner is listed: the hospital authority pinned on this computer cannot be verified (x).';
    const { user } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.practitioners': () => ({ practitioners: [], unavailable: reason }),
    });
    await user.click(await screen.findByRole('button', { name: 'Share' }));
    const dialog = screen.getByRole('dialog', { name: 'Share with a doctor' });
    expect((await within(dialog).findByRole('alert')).textContent).toBe(reason);
    expect(within(dialog).queryByText('No other practitioner found.')).toBeNull();
  });

  it('edits the chart: saving sends the whole chart on top of the version edited', async () => {
    const { user, main } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.update': () => written({ seq: 3, headTxId: txId(3) }),
    });
    await user.click(await screen.findByRole('button', { name: 'Edit chart' }));
    await user.click(screen.getByRole('tab', { name: 'Medication' }));
    const dose = screen.getByRole('textbox', { name: 'Dose (medication 1)' });
    await user.clear(dose);
    await user.type(dose, '1000 mg');
    // An entry already on the ledger cannot be removed, only marked entered in error.
    expect(screen.queryByRole('button', { name: 'Remove medication 1' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    const [request] = main.callsTo('charts.update') as { chartId: string; baseSeq: number; chart: Chart }[];
    expect(request?.baseSeq).toBe(2);
    expect(request?.chart.medications[0]?.dose).toBe('1000 mg');
    expect(await screen.findByRole('button', { name: 'Edit chart' })).toBeTruthy();
  });

  it('keeps the edit and explains a conflict when the chart moved on meanwhile', async () => {
    const { user } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.update': () => {
        throw new FakeIpcError({ code: 'CONFLICT', message: 'stale seq' });
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit chart' }));
    const name = screen.getByRole('textbox', { name: 'Name' });
    await user.clear(name);
    await user.type(name, 'Amelia Q. Smith');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The chart changed since you opened it');
    expect((screen.getByRole('textbox', { name: 'Name' }) as HTMLInputElement).value).toBe('Amelia Q. Smith');
  });

  it('hands custody over only after a second confirmation naming the doctor', async () => {
    const { user, main } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.practitioners': () => ({
        practitioners: [
          {
            name: 'Dr. Tomasz Wierzbicki',
            specialty: 'Cardiology',
            signKey: KEY_THIRD,
            boxKey: KEY_OTHER,
            trusted: false,
          },
        ],
      }),
      'charts.custody': () => written({ seq: 3, headTxId: txId(3), role: 'reader' }, 'custody'),
    });
    await user.click(await screen.findByRole('button', { name: 'Hand over custody' }));
    const dialog = screen.getByRole('dialog', { name: 'Hand over custody' });
    await user.click(await within(dialog).findByRole('button', { name: 'Hand over to Dr. Tomasz Wierzbicki' }));
    expect(main.callsTo('charts.custody')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Confirm hand over to Dr. Tomasz Wierzbicki' }));
    await waitFor(() => expect(main.callsTo('charts.custody')).toEqual([{ chartId, signKey: KEY_THIRD }]));
  });
});

describe('Chart view: emergency access (#13)', () => {
  const emergency = {
    grantedBy: { signKey: KEY_THIRD, name: 'Emergency access service' },
    reason: 'unconscious' as const,
    grantedAt: '2026-12-04T03:00:01.000Z',
    expiresAt: '2026-12-05T03:00:01.000Z',
    requestId: txId(10),
  };

  it('shows a chart read by a grant under the emergency banner, read-only, without the version history', async () => {
    setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () =>
        chartView({ emergency }, { role: 'reader', custodian: { signKey: KEY_OTHER, name: 'Dr. B' } }),
    });
    await screen.findByRole('heading', { name: 'Amelia Quartermaine' });
    const banner = screen.getByRole('alert', { name: 'Emergency access' });
    expect(banner.textContent).toContain('Emergency access — read-only');
    expect(banner.textContent).toContain('Granted by Emergency access service');
    expect(banner.textContent).toContain('Patient unconscious');
    expect(banner.textContent).toMatch(/Expires .*2026/);
    const actions = screen.getByRole('toolbar', { name: 'Chart actions' });
    expect(
      within(actions)
        .getAllByRole('button')
        .map((b) => b.textContent?.trim()),
    ).toEqual(['Access history']);
  });

  it('never offers writing on a grant, even where the view names the viewer custodian', async () => {
    setup(<ChartScreen chartId={chartId} />, { 'charts.get': () => chartView({ emergency }) });
    await screen.findByRole('heading', { name: 'Amelia Quartermaine' });
    expect(screen.queryByRole('button', { name: 'Edit chart' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Revoke chart' })).toBeNull();
  });

  it('shows no emergency banner for the chart’s own readers, and the access history on demand', async () => {
    const { user, main } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.access': () => chartAccess(),
    });
    await screen.findByRole('heading', { name: 'Amelia Quartermaine' });
    expect(screen.queryByRole('alert', { name: 'Emergency access' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Access history' }));
    const section = screen.getByRole('region', { name: 'Access history' });
    expect(await within(section).findByText('Responsible doctor (custodian): Dr. Lena Okafor')).toBeTruthy();
    expect(main.callsTo('charts.access')).toEqual([{ chartId }]);
  });
});

import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { EmergencyReport, EmergencyReportRowView } from '../../../../src-shared/ipc';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { KEY_ME, KEY_OTHER, KEY_THIRD, txId } from '../../test/fixtures';
import { EmergencyReview } from './EmergencyReview';

const authority = (onThisMachine = true) => ({
  id: txId(77),
  name: 'St Elsewhere',
  threshold: 1,
  officers: [{ name: 'Privacy officer', signKey: KEY_THIRD, onThisMachine }],
});

const row = (over: Partial<EmergencyReportRowView> = {}): EmergencyReportRowView => ({
  request: txId(1),
  at: '2026-12-04T03:12:00.000Z',
  height: 12,
  requester: { signKey: KEY_ME, name: 'Dr Ada Okafor', credential: 'valid' },
  chart: txId(2),
  byQuery: false,
  reason: 'unconscious',
  note: null,
  outcome: 'granted',
  refusal: null,
  grantedAt: '2026-12-04T03:12:01.000Z',
  expiresAt: '2026-12-05T03:12:01.000Z',
  emergencyKey: KEY_OTHER,
  followUp: null,
  followUps: 0,
  ...over,
});

const report = (rows: EmergencyReportRowView[], opened = false): EmergencyReport => ({
  rows,
  emergencyKey: KEY_OTHER,
  opened,
});

describe('the privacy officer’s emergency access review', () => {
  it('lists accesses since a date; with the officer password the sealed reasons are opened', async () => {
    const refused = row({
      request: txId(3),
      requester: { signKey: KEY_OTHER, name: null, credential: 'unknown' },
      chart: null,
      byQuery: true,
      outcome: 'refused',
      refusal: { reason: 'no-credential', detail: 'x' },
      grantedAt: null,
      expiresAt: null,
      followUp: {
        state: 'escalated',
        at: '2026-12-04T09:00:00.000Z',
        by: KEY_THIRD,
        byName: 'Privacy officer',
        tx: txId(4),
        comment: null,
      },
      followUps: 1,
    });
    const { user, main } = setup(<EmergencyReview authority={authority()} />, {
      'emergency.report': (req) =>
        (req as { password?: string }).password
          ? report([row({ note: 'Found collapsed' }), { ...refused, note: 'let me in' }], true)
          : report([row(), refused]),
    });
    const since = screen.getByLabelText('Since');
    await user.clear(since);
    await user.type(since, '2026-12-01');
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(main.callsTo('emergency.report')).toEqual([{ since: '2026-12-01' }]);
    const table = await screen.findByRole('table', { name: 'Emergency accesses' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]!.textContent).toContain('Dr Ada Okafor');
    expect(rows[1]!.textContent).toContain('Granted until 2026-12-05 03:12');
    expect(rows[1]!.textContent).toContain('(sealed)');
    expect(rows[2]!.textContent).toContain('Refused: no-credential');
    expect(rows[2]!.textContent).toContain('by patient identifiers');
    expect(rows[2]!.textContent).toContain('Escalated by Privacy officer');

    await user.type(screen.getByLabelText('Officer password (to open reasons)'), 'officer words');
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(main.callsTo('emergency.report')[1]).toEqual({ since: '2026-12-01', password: 'officer words' });
    expect(await screen.findByText('Found collapsed')).toBeTruthy();
    expect(screen.getByText('let me in')).toBeTruthy();
    // The password is sent once and not kept in the form.
    expect((screen.getByLabelText('Officer password (to open reasons)') as HTMLInputElement).value).toBe('');
  });

  it('posts a follow-up with the officer password, shows a wrong password on its field, then reloads', async () => {
    let followed = false;
    const { user, main } = setup(<EmergencyReview authority={authority()} />, {
      'emergency.report': () =>
        report([
          row({
            followUp: followed
              ? {
                  state: 'justified',
                  at: '2026-12-04T10:00:00.000Z',
                  by: KEY_THIRD,
                  byName: 'Privacy officer',
                  tx: txId(9),
                  comment: null,
                }
              : null,
          }),
        ]),
      'emergency.followUp': (req) => {
        if ((req as { password: string }).password !== 'right')
          throw new FakeIpcError({
            code: 'WRONG_PASSWORD',
            message: 'Wrong officer password',
            fields: { password: 'Wrong officer password' },
          });
        followed = true;
        return { posted: txId(9) };
      },
    });
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(await screen.findByText('None yet')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: `Follow up request ${txId(1).slice(0, 12)}` }));
    await user.selectOptions(screen.getByLabelText('Follow-up'), 'justified');
    await user.type(screen.getByLabelText('Comment'), 'Appropriate');
    await user.type(screen.getByLabelText('Officer password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign and post' }));
    expect(await screen.findAllByText('Wrong officer password')).not.toHaveLength(0);
    await user.type(screen.getByLabelText('Officer password'), 'right');
    await user.click(screen.getByRole('button', { name: 'Sign and post' }));
    expect(main.callsTo('emergency.followUp')[1]).toEqual({
      request: txId(1),
      state: 'justified',
      comment: 'Appropriate',
      password: 'right',
    });
    expect(await screen.findByText('Justified by Privacy officer')).toBeTruthy();
  });

  it('without an officer key on this computer: the report only, no password, no follow-up', async () => {
    setup(<EmergencyReview authority={authority(false)} />, { 'emergency.report': () => report([]) });
    expect(screen.queryByLabelText('Officer password (to open reasons)')).toBeNull();
    expect(screen.queryByRole('button', { name: /Follow up/ })).toBeNull();
  });
});

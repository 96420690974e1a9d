import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  credentialRequestOf,
  formatCredentialRequest,
  type AuthorityView,
  type CredentialEntry,
  type CustodyAct,
} from '../../../../src-shared/ipc';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { doctor, KEY_ME, KEY_OTHER, KEY_THIRD, txId } from '../../test/fixtures';
import { CustodyDesk } from './CustodyForms';

const OFFICER_A = '3Ae2HXbZTPuBHtTfw9r4u1fMTPNsBtLm1AAf8dUC2P4S';
const OFFICER_B = '4BvQJGYV3sTvt7tHcXQEWhbm5R5aJQkDNZQ2YrjvRLmt';

const oneOfOne: AuthorityView = {
  id: txId(77),
  name: 'St Elsewhere',
  threshold: 1,
  officers: [{ name: 'IT desk', signKey: KEY_THIRD, onThisMachine: true }],
};
const twoOfThree: AuthorityView = {
  id: txId(78),
  name: 'St Quorum',
  threshold: 2,
  officers: [
    { name: 'Ann', signKey: OFFICER_A, onThisMachine: true },
    { name: 'Ben', signKey: OFFICER_B, onThisMachine: true },
    { name: 'Cat', signKey: KEY_THIRD, onThisMachine: false },
  ],
};

const entry = (n: number, name: string, signKey: string, over: Partial<CredentialEntry> = {}): CredentialEntry => ({
  credentialId: txId(n),
  name,
  licence: `GMC-${n}`,
  specialty: 'Oncology',
  signKey,
  boxKey: signKey,
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-12-01T00:00:00.000Z',
  issuedHeight: n,
  endHeight: null,
  endReason: null,
  status: 'valid',
  ...over,
});
const ada = entry(5, 'Dr Ada Okafor', KEY_ME, { status: 'revoked', endReason: 'revoked', endHeight: 9 });
const ben = entry(6, 'Dr Ben Lin', KEY_OTHER);
const cleo = entry(7, 'Dr Cleo Park', OFFICER_A);

const act = (over: Partial<CustodyAct>): CustodyAct => ({
  issued: null,
  revoked: null,
  moved: [],
  notMoved: [],
  to: null,
  ...over,
});

describe('IT’s custody acts', () => {
  it('recovers the charts a revoked doctor holds to a credentialed doctor, listing what moved', async () => {
    const { user, main } = setup(
      <CustodyDesk authority={oneOfOne} credentials={[ada, ben]} onDone={() => undefined} />,
      {
        'hospital.heldCharts': () => ({ signKey: KEY_ME, name: ada.name, chartIds: [txId(21), txId(22)] }),
        'hospital.recover': () =>
          act({
            moved: [
              { chartId: txId(21), txId: txId(31) },
              { chartId: txId(22), txId: txId(32) },
            ],
            to: { name: ben.name, signKey: KEY_OTHER },
          }),
      },
    );
    await user.selectOptions(screen.getByLabelText('Charts held by'), KEY_ME);
    await user.click(screen.getByRole('button', { name: 'List their charts' }));
    expect((await screen.findByRole('status')).textContent).toBe('Dr Ada Okafor holds 2 chart(s).');
    expect((screen.getByLabelText('Chart ids') as HTMLTextAreaElement).value).toBe(`${txId(21)}\n${txId(22)}`);
    // Only a valid credential can take custody: the revoked doctor is not offered.
    const custodian = screen.getByLabelText('New custodian');
    expect(within(custodian).queryByRole('option', { name: /Ada/ })).toBeNull();
    await user.selectOptions(custodian, KEY_OTHER);
    await user.type(screen.getByRole('textbox', { name: 'Reason' }), 'custodian left');
    await user.type(screen.getByLabelText('Officer password'), 'a long officer sentence');
    await user.click(screen.getByRole('button', { name: 'Move custody' }));
    expect(main.callsTo('hospital.heldCharts')).toEqual([{ practitioner: KEY_ME }]);
    expect(main.callsTo('hospital.recover')).toEqual([
      {
        chartIds: [txId(21), txId(22)],
        to: KEY_OTHER,
        reason: 'custodian left',
        officers: [{ password: 'a long officer sentence' }],
      },
    ]);
    expect(await screen.findByText('Done: 2 charts moved to Dr Ben Lin')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Charts moved' })).getAllByRole('listitem')).toHaveLength(2);
    expect((screen.getByLabelText('Officer password') as HTMLInputElement).value).toBe('');
  });

  it('shows main’s refusal on its field: a chart that cannot move, too few officers', async () => {
    let answer: () => never = () => {
      throw new FakeIpcError({
        code: 'INVALID_REQUEST',
        message: 'Invalid request',
        fields: { chartIds: 'its custodian must run "hospital migrate" first' },
      });
    };
    const { user } = setup(<CustodyDesk authority={twoOfThree} credentials={[ben]} onDone={() => undefined} />, {
      'hospital.recover': () => answer(),
    });
    expect(screen.getByText(/2 of the 3 officers must sign/)).toBeTruthy();
    await user.type(screen.getByLabelText('Chart ids'), txId(21));
    await user.selectOptions(screen.getByLabelText('New custodian'), KEY_OTHER);
    await user.type(screen.getByLabelText('Password of Ann'), 'first quorum secret');
    await user.click(screen.getByRole('button', { name: 'Move custody' }));
    expect(await screen.findByText('its custodian must run "hospital migrate" first')).toBeTruthy();
    answer = () => {
      throw new FakeIpcError({
        code: 'INVALID_REQUEST',
        message: 'St Quorum moves custody with 2 of its officers: 1 given',
        fields: { officers: 'St Quorum moves custody with 2 of its officers: 1 given' },
      });
    };
    await user.type(screen.getByLabelText('Password of Ann'), 'first quorum secret');
    await user.click(screen.getByRole('button', { name: 'Move custody' }));
    expect(
      (await screen.findAllByText('St Quorum moves custody with 2 of its officers: 1 given')).length,
    ).toBeGreaterThan(0);
  });

  it('off-boards with two officers of this computer: each named with its own password; charts not moved are listed', async () => {
    const { user, main } = setup(
      <CustodyDesk authority={twoOfThree} credentials={[ben, cleo]} onDone={() => undefined} />,
      {
        'hospital.offboard': () =>
          act({
            revoked: txId(40),
            moved: [{ chartId: txId(21), txId: txId(41) }],
            notMoved: [{ chartId: txId(22), reason: 'written before the authority' }],
            to: { name: cleo.name, signKey: OFFICER_A },
          }),
      },
    );
    await user.click(screen.getByRole('radio', { name: 'Off-board a doctor' }));
    await user.selectOptions(screen.getByLabelText('Leaving doctor'), KEY_OTHER);
    // The leaving doctor is not offered to take their own charts.
    const to = screen.getByLabelText('Their charts go to');
    expect(within(to).queryByRole('option', { name: /Ben/ })).toBeNull();
    await user.selectOptions(to, OFFICER_A);
    await user.type(screen.getByLabelText('Password of Ann'), 'first quorum secret');
    await user.type(screen.getByLabelText('Password of Ben'), 'second quorum secret');
    await user.click(screen.getByRole('button', { name: 'Off-board' }));
    expect(main.callsTo('hospital.offboard')).toEqual([
      {
        leaving: KEY_OTHER,
        to: OFFICER_A,
        reason: '',
        officers: [
          { officer: OFFICER_A, password: 'first quorum secret' },
          { officer: OFFICER_B, password: 'second quorum secret' },
        ],
      },
    ]);
    expect(await screen.findByText('Done: 1 chart moved to Dr Cleo Park')).toBeTruthy();
    expect(screen.getByText(new RegExp(txId(40)))).toBeTruthy();
    expect(
      within(screen.getByRole('list', { name: 'Charts not moved' })).getByText(/written before the authority/),
    ).toBeTruthy();
  });

  it('re-keys from the new identity’s credential request', async () => {
    const request = formatCredentialRequest(credentialRequestOf({ ...doctor, signKey: OFFICER_B, boxKey: OFFICER_A }));
    const { user, main } = setup(<CustodyDesk authority={oneOfOne} credentials={[ben]} onDone={() => undefined} />, {
      'hospital.rekey': () => act({ issued: txId(50), revoked: txId(51), to: { name: ben.name, signKey: OFFICER_B } }),
    });
    await user.click(screen.getByRole('radio', { name: 'Re-key a doctor' }));
    await user.selectOptions(screen.getByLabelText('Doctor to re-key'), KEY_OTHER);
    await user.click(screen.getByLabelText('Credential request of the new identity'));
    await user.paste(request);
    await user.click(screen.getByRole('button', { name: 'Fill from request' }));
    expect((screen.getByLabelText('New signing key') as HTMLInputElement).value).toBe(OFFICER_B);
    await user.type(screen.getByLabelText('Officer password'), 'a long officer sentence');
    await user.click(screen.getByRole('button', { name: 'Re-key' }));
    expect(main.callsTo('hospital.rekey')).toEqual([
      { old: KEY_OTHER, signKey: OFFICER_B, boxKey: OFFICER_A, officers: [{ password: 'a long officer sentence' }] },
    ]);
    const done = await screen.findByRole('group', { name: 'What the quorum did' });
    expect(done.textContent).toContain(`New credential issued: ${txId(50)}`);
    expect(done.textContent).toContain(`Credential revoked: ${txId(51)}`);
  });
});

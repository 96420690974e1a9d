import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  credentialRequestOf,
  formatCredentialRequest,
  type CredentialsList,
  type HospitalStatus,
  type QuorumAct,
} from '../../../../src-shared/ipc';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { doctor, KEY_ME, KEY_OTHER, KEY_THIRD, txId } from '../../test/fixtures';
import { useSession } from '../../stores/session';
import { CredentialNotice } from './CredentialNotice';
import { IssueCredentialForm } from './CredentialForms';
import { useNavigation } from '../../stores/navigation';
import { HospitalChoice } from './HospitalChoice';
import { HospitalScreen } from './HospitalScreen';
import { useHospital } from '../../stores/hospital';

const AUTHORITY = txId(77);
const authority = (onThisMachine = true) => ({
  id: AUTHORITY,
  name: 'St Elsewhere',
  threshold: 1,
  officers: [{ name: 'IT desk', signKey: KEY_THIRD, onThisMachine }],
});

function hospitalStatus(overrides: Partial<HospitalStatus> = {}): HospitalStatus {
  return {
    authorityId: AUTHORITY,
    pinnedBy: 'user',
    locked: false,
    embedded: true,
    state: 'verified',
    authority: authority(),
    reason: null,
    doctor: null,
    ...overrides,
  };
}

/** The officer keys card reads this machine's keys on every Hospital screen. */
const NO_OFFICER_KEYS = { 'hospital.officerList': () => ({ officers: [], unreadable: [] }) };

const none = hospitalStatus({ authorityId: null, pinnedBy: null, state: 'none', authority: null });

const credential = {
  credentialId: txId(5),
  name: doctor.name,
  licence: doctor.licenceNumber,
  specialty: doctor.specialty,
  signKey: KEY_ME,
  boxKey: KEY_OTHER,
  validFrom: '2026-12-01T00:00:00.000Z',
  validUntil: '2027-12-01T00:00:00.000Z',
  issuedHeight: 3,
  endHeight: null,
  endReason: null,
  status: 'valid' as const,
};

function registry(overrides: Partial<CredentialsList> = {}): CredentialsList {
  return { authority: authority(), credentials: [credential], problems: [], ...overrides };
}

const posted = (describes: string): QuorumAct => ({
  posted: txId(9),
  partial: null,
  describes,
  signedBy: [KEY_THIRD],
  needed: 1,
});

describe('first run: the hospital choice', () => {
  it('offers set up and join on the embedded node with nothing pinned, and sets up with the officer password', async () => {
    useHospital.setState({ status: none });
    const { user, main } = setup(<HospitalChoice />, {
      'hospital.setUp': () => hospitalStatus(),
    });
    expect(screen.getByText('No hospital authority: doctors are not verified')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Set up this hospital' }));
    await user.type(screen.getByRole('textbox', { name: 'Hospital name' }), 'St Elsewhere');
    await user.type(screen.getByRole('textbox', { name: 'Officer name' }), 'IT desk');
    await user.type(screen.getByLabelText('Officer password'), 'a long officer sentence');
    await user.type(screen.getByLabelText('Confirm officer password'), 'something else');
    await user.click(screen.getByRole('button', { name: 'Set up the hospital' }));
    expect(screen.getByText('The passwords do not match')).toBeTruthy();
    expect(main.callsTo('hospital.setUp')).toHaveLength(0);

    await user.clear(screen.getByLabelText('Confirm officer password'));
    await user.type(screen.getByLabelText('Confirm officer password'), 'a long officer sentence');
    await user.click(screen.getByRole('button', { name: 'Set up the hospital' }));
    expect(main.callsTo('hospital.setUp')).toEqual([
      { hospitalName: 'St Elsewhere', officerName: 'IT desk', password: 'a long officer sentence' },
    ]);
    expect(await screen.findByText('Hospital: St Elsewhere')).toBeTruthy();
  });

  it('joins with an id checked on the ledger, and shows main’s refusal on the field', async () => {
    useHospital.setState({ status: { ...none, embedded: false } });
    const { user, main } = setup(<HospitalChoice />, {
      'hospital.join': () => {
        throw new FakeIpcError({
          code: 'INVALID_REQUEST',
          message: `The hospital authority ${txId(4)} cannot be verified: the node does not have it`,
          fields: { authorityId: 'not a hospital authority this ledger can verify' },
        });
      },
    });
    // Set up is offered only on the embedded (single-machine) node.
    expect(screen.queryByRole('button', { name: 'Set up this hospital' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Join a hospital' }));
    await user.type(screen.getByRole('textbox', { name: 'Hospital authority id' }), 'abc');
    await user.click(screen.getByRole('button', { name: 'Join' }));
    expect(screen.getByText('must be a 64-character hex id')).toBeTruthy();
    expect(main.callsTo('hospital.join')).toHaveLength(0);

    await user.clear(screen.getByRole('textbox', { name: 'Hospital authority id' }));
    await user.type(screen.getByRole('textbox', { name: 'Hospital authority id' }), txId(4));
    await user.click(screen.getByRole('button', { name: 'Join' }));
    expect(main.callsTo('hospital.join')).toEqual([{ authorityId: txId(4) }]);
    expect(await screen.findByText('not a hospital authority this ledger can verify')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/cannot be verified/);
  });

  it('where IT pinned the authority: names it and offers nothing', () => {
    useHospital.setState({ status: hospitalStatus({ pinnedBy: 'managed', locked: true }) });
    setup(<HospitalChoice />, {});
    expect(screen.getByLabelText('Hospital').textContent).toBe('Hospital: St Elsewhere (set by your IT department).');
    expect(screen.queryByRole('button', { name: /Set up|Join/ })).toBeNull();
  });
});

describe('the Hospital section (IT)', () => {
  it('shows the authority and the credentials table, issues from a doctor’s request, and shows a licence taken on its field', async () => {
    let issued = 0;
    const { user, main } = setup(<HospitalScreen />, {
      ...NO_OFFICER_KEYS,
      'hospital.status': () => hospitalStatus(),
      'credentials.list': () =>
        registry({ problems: [{ id: txId(8), reason: 'not a credential of this authority: outsider' }] }),
      'credentials.issue': () => {
        issued++;
        if (issued === 1)
          throw new FakeIpcError({
            code: 'INVALID_REQUEST',
            message: 'Licence GMC-999 is already held by Dr Other',
            fields: { licence: 'Licence GMC-999 is already held by Dr Other' },
          });
        return posted('issue a credential to Dr. Ben Ade');
      },
    });
    const details = await screen.findByLabelText('Hospital authority');
    expect(details.textContent).toContain(AUTHORITY);
    expect(details.textContent).toContain('1 of 1 officer');
    const table = await screen.findByRole('table', { name: 'Credentials' });
    const row = within(table).getAllByRole('row')[1]!;
    expect(row.textContent).toBe(`${doctor.name}${doctor.licenceNumber}${doctor.specialty}Valid2027-12-01—RenewRevoke`);
    expect(screen.getByRole('list', { name: 'Registry problems' }).textContent).toMatch(/outsider/);

    const request = formatCredentialRequest(
      credentialRequestOf({ ...doctor, name: 'Dr. Ben Ade', licenceNumber: 'GMC-999', signKey: KEY_OTHER }),
    );
    await user.click(screen.getByLabelText("Doctor's credential request"));
    await user.paste(request);
    await user.click(screen.getByRole('button', { name: 'Fill from request' }));
    expect((screen.getByRole('textbox', { name: 'Name' }) as HTMLInputElement).value).toBe('Dr. Ben Ade');
    expect((screen.getByRole('textbox', { name: 'Signing key' }) as HTMLInputElement).value).toBe(KEY_OTHER);
    const form = screen.getByRole('form', { name: 'Issue a credential' });
    await user.type(within(form).getByLabelText('Valid until'), '2027-06-30');
    await user.type(within(form).getByLabelText('Officer password'), 'a long officer sentence');
    await user.click(within(form).getByRole('button', { name: 'Issue credential' }));
    expect(await screen.findAllByText('Licence GMC-999 is already held by Dr Other')).not.toHaveLength(0);
    // The password is sent once and not kept in the form.
    expect((within(form).getByLabelText('Officer password') as HTMLInputElement).value).toBe('');

    await user.type(within(form).getByLabelText('Officer password'), 'a long officer sentence');
    await user.click(within(form).getByRole('button', { name: 'Issue credential' }));
    expect(await screen.findByText('Done: posted to the ledger')).toBeTruthy();
    expect(main.callsTo('credentials.issue')[1]).toEqual({
      name: 'Dr. Ben Ade',
      licence: 'GMC-999',
      specialty: doctor.specialty,
      signKey: KEY_OTHER,
      boxKey: doctor.boxKey,
      validUntil: '2027-06-30',
      password: 'a long officer sentence',
    });
  });

  it('refuses a pasted text that is not a credential request, saying why', async () => {
    const { user } = setup(<HospitalScreen />, {
      ...NO_OFFICER_KEYS,
      'hospital.status': () => hospitalStatus(),
      'credentials.list': () => registry(),
    });
    await screen.findByRole('table', { name: 'Credentials' });
    await user.click(screen.getByLabelText("Doctor's credential request"));
    await user.paste('{"format":"something else"}');
    await user.click(screen.getByRole('button', { name: 'Fill from request' }));
    expect(screen.getByRole('alert').textContent).toMatch(/not a credential request/);
  });

  it('revokes with a reason and the officer password; a 2-of-3 act answers the file to pass on', async () => {
    const partial = '{"format":"healthchain.partial-transaction"}';
    const { user, main } = setup(<HospitalScreen />, {
      ...NO_OFFICER_KEYS,
      'hospital.status': () => hospitalStatus(),
      'credentials.list': () => registry(),
      'credentials.revoke': () => ({
        posted: null,
        partial,
        describes: `revoke credential ${txId(5)} (left)`,
        signedBy: [KEY_THIRD],
        needed: 2,
      }),
      'hospital.exportPartial': () => ({ savedTo: '/home/it/revoke.partial.json' }),
    });
    await user.click(await screen.findByRole('button', { name: `Revoke ${doctor.name}` }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByRole('textbox', { name: 'Reason' }), 'left');
    await user.type(within(dialog).getByLabelText('Officer password'), 'a long officer sentence');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(main.callsTo('credentials.revoke')).toEqual([
      { credentialId: txId(5), reason: 'left', password: 'a long officer sentence' },
    ]);
    expect(await within(dialog).findByText('Signed by 1 of the 2 officers needed')).toBeTruthy();
    expect((within(dialog).getByRole('textbox', { name: 'Partially signed file' }) as HTMLTextAreaElement).value).toBe(
      partial,
    );
    await user.click(within(dialog).getByRole('button', { name: 'Save the file…' }));
    expect(main.callsTo('hospital.exportPartial')).toEqual([{ partial }]);
    expect((await within(dialog).findByRole('status')).textContent).toBe('Saved to /home/it/revoke.partial.json');
  });

  it('shows a wrong officer password as main says it', async () => {
    const { user } = setup(<HospitalScreen />, {
      ...NO_OFFICER_KEYS,
      'hospital.status': () => hospitalStatus(),
      'credentials.list': () => registry(),
      'hospital.signPartial': () => {
        throw new FakeIpcError({ code: 'WRONG_PASSWORD', message: 'Wrong officer password.' });
      },
    });
    await screen.findByRole('table', { name: 'Credentials' });
    await user.type(screen.getByLabelText('File from another officer'), 'x');
    const form = screen.getByRole('form', { name: 'Sign a partially signed file' });
    await user.type(within(form).getByLabelText('Officer password'), 'wrong one here');
    await user.click(within(form).getByRole('button', { name: 'Sign' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('Wrong officer password.');
  });

  it('opens a partially signed file from disk and signs it; posted once complete', async () => {
    const { user, main } = setup(<HospitalScreen />, {
      ...NO_OFFICER_KEYS,
      'hospital.status': () => hospitalStatus(),
      'credentials.list': () => registry(),
      'hospital.signPartial': () => posted(`revoke credential ${txId(5)}`),
    });
    await screen.findByRole('table', { name: 'Credentials' });
    const text = '{"format":"healthchain.partial-transaction","version":1}';
    await user.upload(screen.getByLabelText('Open the file'), new File([text], 'act.partial.json'));
    // The file is read asynchronously: wait for its text to arrive in the field.
    await waitFor(() =>
      expect((screen.getByLabelText('File from another officer') as HTMLTextAreaElement).value).toBe(text),
    );
    const form = screen.getByRole('form', { name: 'Sign a partially signed file' });
    await user.type(within(form).getByLabelText('Officer password'), 'a long officer sentence');
    await user.click(within(form).getByRole('button', { name: 'Sign' }));
    expect(await within(form).findByText('Done: posted to the ledger')).toBeTruthy();
    expect(main.callsTo('hospital.signPartial')).toEqual([{ partial: text, password: 'a long officer sentence' }]);
  });

  it('an unverifiable pinned authority is shown as such, with the reason', async () => {
    setup(<HospitalScreen />, {
      ...NO_OFFICER_KEYS,
      'hospital.status': () =>
        hospitalStatus({ state: 'unverified', authority: null, reason: 'its threshold does not match.' }),
    });
    expect((await screen.findByText(/its threshold does not match/)).textContent).toMatch(/Nothing it vouches for/);
  });
});

describe('the doctor’s credential notice', () => {
  it('says "not yet credentialed by <hospital>" and shows the credential request to copy', async () => {
    useSession.setState({ identity: doctor });
    useHospital.setState({
      status: hospitalStatus({ doctor: { signKey: KEY_ME, status: 'unknown', credentialId: null } }),
    });
    const { user } = setup(<CredentialNotice />, {});
    expect(screen.getByText('Not yet credentialed by St Elsewhere')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Credential request' }));
    const text = (screen.getByLabelText('Credential request') as HTMLTextAreaElement).value;
    expect(JSON.parse(text)).toEqual({
      format: 'healthchain.credential-request',
      version: 1,
      name: doctor.name,
      licence: doctor.licenceNumber,
      specialty: doctor.specialty,
      signKey: doctor.signKey,
      boxKey: doctor.boxKey,
    });
  });

  it('says nothing for a credentialed doctor, and that doctors are not verified without an authority', () => {
    useSession.setState({ identity: doctor });
    useHospital.setState({
      status: hospitalStatus({ doctor: { signKey: KEY_ME, status: 'valid', credentialId: txId(5) } }),
    });
    const { unmount } = setup(<CredentialNotice />, {});
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
    unmount();
    useHospital.setState({ status: none });
    setup(<CredentialNotice />, {});
    expect(screen.getByRole('status').textContent).toMatch(/No hospital authority: doctors are not verified/);
  });

  it('on the one-machine default, hands the request to the issue form on this machine', async () => {
    useSession.setState({ identity: doctor });
    useHospital.setState({
      status: hospitalStatus({ doctor: { signKey: KEY_ME, status: 'unknown', credentialId: null } }),
    });
    const { user, unmount } = setup(<CredentialNotice />, {});
    await user.click(screen.getByRole('button', { name: 'Issue it here (officer password)' }));
    expect(useNavigation.getState().route).toEqual({ name: 'hospital' });
    unmount();
    setup(<IssueCredentialForm authority={authority()} onDone={() => undefined} />, {});
    expect((screen.getByRole('textbox', { name: 'Licence number' }) as HTMLInputElement).value).toBe(
      doctor.licenceNumber,
    );
    expect((screen.getByRole('textbox', { name: 'Signing key' }) as HTMLInputElement).value).toBe(doctor.signKey);
    expect(useHospital.getState().draftRequest).toBeNull();
  });

  it('offers no "issue it here" where this machine holds no officer key', () => {
    useSession.setState({ identity: doctor });
    useHospital.setState({
      status: hospitalStatus({
        authority: authority(false),
        doctor: { signKey: KEY_ME, status: 'unknown', credentialId: null },
      }),
    });
    setup(<CredentialNotice />, {});
    expect(screen.getByRole('button', { name: 'Credential request' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Issue it here/ })).toBeNull();
  });

  it('tells a revoked doctor so', () => {
    useSession.setState({ identity: doctor });
    useHospital.setState({
      status: hospitalStatus({ doctor: { signKey: KEY_ME, status: 'revoked', credentialId: txId(5) } }),
    });
    setup(<CredentialNotice />, {});
    expect(screen.getByRole('alert').textContent).toMatch(/Your credential was revoked \(St Elsewhere\)/);
  });
});

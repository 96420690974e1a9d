import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { KEY_ME, KEY_OTHER, KEY_THIRD } from '../../test/fixtures';
import { OfficerKeys } from './OfficerKeys';

const ann = { name: 'Ann Officer', signKey: KEY_ME, boxKey: KEY_OTHER, createdAt: '2026-12-04T10:00:00.000Z' };

describe("this computer's officer keys", () => {
  it('lists the keys, refuses a weak or mismatched password before main, and shows the new public keys', async () => {
    let listed = [ann];
    const { user, main } = setup(<OfficerKeys />, {
      'hospital.officerList': () => ({ officers: listed, unreadable: [{ account: 'x', problem: 'not JSON' }] }),
      'hospital.officerCreate': (req) => {
        const made = {
          name: (req as { name: string }).name,
          signKey: KEY_THIRD,
          boxKey: KEY_ME,
          createdAt: ann.createdAt,
        };
        listed = [ann, made];
        return made;
      },
    });
    const table = await screen.findByRole('table', { name: 'Officer keys' });
    expect(within(table).getAllByRole('row')[1]!.textContent).toBe(`Ann Officer${KEY_ME}${KEY_OTHER}2026-12-04Back up`);
    expect(screen.getByRole('list', { name: 'Unreadable keychain entries' }).textContent).toMatch(/x: not JSON/);

    const form = screen.getByRole('form', { name: 'Create an officer key' });
    await user.type(within(form).getByRole('textbox', { name: 'Officer name' }), 'Ben Officer');
    await user.type(within(form).getByLabelText('New officer password'), 'short');
    await user.type(within(form).getByLabelText('Repeat the officer password'), 'other');
    await user.click(within(form).getByRole('button', { name: 'Create officer key' }));
    expect(within(form).getByText('The passwords do not match')).toBeTruthy();
    expect(within(form).getByText(/Use at least 10 characters \(5 given\)/)).toBeTruthy();
    expect(main.callsTo('hospital.officerCreate')).toHaveLength(0);

    await user.clear(within(form).getByLabelText('New officer password'));
    await user.clear(within(form).getByLabelText('Repeat the officer password'));
    await user.type(within(form).getByLabelText('New officer password'), 'violet sunrise meadow 4');
    await user.type(within(form).getByLabelText('Repeat the officer password'), 'violet sunrise meadow 4');
    await user.click(within(form).getByRole('button', { name: 'Create officer key' }));
    expect(main.callsTo('hospital.officerCreate')).toEqual([
      { name: 'Ben Officer', password: 'violet sunrise meadow 4' },
    ]);
    const created = await screen.findByRole('group', { name: 'New officer key' });
    expect(created.textContent).toContain('Officer key created for Ben Officer');
    expect(within(created).getByLabelText('Ceremony line').textContent).toBe(`Ben Officer ${KEY_THIRD} ${KEY_ME}`);
    // The password does not stay in the form; the list is read again.
    expect((within(form).getByLabelText('New officer password') as HTMLInputElement).value).toBe('');
    expect(await screen.findByText(KEY_THIRD, { selector: 'td' })).toBeTruthy();
  });

  it("shows main's refusal on its field (the keychain's password rule)", async () => {
    const { user } = setup(<OfficerKeys />, {
      'hospital.officerList': () => ({ officers: [], unreadable: [] }),
      'hospital.officerCreate': () => {
        throw new FakeIpcError({
          code: 'INVALID_REQUEST',
          message: 'This password is too common',
          fields: { password: 'This password is too common' },
        });
      },
    });
    expect(await screen.findByText('No officer keys on this computer.')).toBeTruthy();
    await user.type(screen.getByRole('textbox', { name: 'Officer name' }), 'Cat Officer');
    await user.type(screen.getByLabelText('New officer password'), 'quite a long sentence 7');
    await user.type(screen.getByLabelText('Repeat the officer password'), 'quite a long sentence 7');
    await user.click(screen.getByRole('button', { name: 'Create officer key' }));
    expect(await screen.findByText('This password is too common')).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'New officer key' })).toBeNull();
  });
});

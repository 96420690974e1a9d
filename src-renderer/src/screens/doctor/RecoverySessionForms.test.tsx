import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AuthorityView } from '../../../../src-shared/ipc';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { doctor, KEY_ME, KEY_OTHER, KEY_THIRD, txId } from '../../test/fixtures';
import { RecoveryCoordinator, SealShareForm } from './RecoverySessionForms';

const authority: AuthorityView = {
  id: txId(77),
  name: 'St Quorum',
  threshold: 2,
  officers: [
    { name: 'Ann', signKey: KEY_THIRD, onThisMachine: true },
    { name: 'Ben', signKey: KEY_OTHER, onThisMachine: false },
  ],
};
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
const SESSION = KEY_ME;

describe('recovery with officers on other computers', () => {
  it('the coordinator starts a session, opens share files, is told when they are not enough, then signs the move', async () => {
    let tries = 0;
    const { user, main } = setup(
      <RecoveryCoordinator authority={authority} credentials={[credential]} onDone={() => {}} />,
      {
        'hospital.startRecoverySession': () => ({ sessionKey: SESSION, startedAt: '2026-12-04T10:00:00.000Z' }),
        'hospital.endRecoverySession': () => ({}),
        'hospital.recoverWithShares': () => {
          tries++;
          if (tries === 1)
            throw new FakeIpcError({
              code: 'INVALID_REQUEST',
              message: "Not enough shares: St Quorum needs 2 officers' shares to rebuild its recovery key; 1 given",
              fields: {
                shares: "Not enough shares: St Quorum needs 2 officers' shares to rebuild its recovery key; 1 given",
              },
            });
          return {
            act: {
              posted: null,
              partial: '{"format":"p"}',
              describes: 'Move custody',
              signedBy: [KEY_THIRD],
              needed: 2,
            },
            sharesFrom: [KEY_OTHER, KEY_THIRD],
          };
        },
      },
    );
    await user.click(screen.getByRole('button', { name: 'Start a recovery session' }));
    expect((await screen.findByLabelText('Session key')).textContent).toBe(SESSION);

    const share = (n: number) => new File([`{"format":"healthchain.recovery-share","n":${n}}`], `share-${n}.json`);
    await user.upload(screen.getByLabelText('Share files'), [share(1)]);
    await user.type(screen.getByRole('textbox', { name: 'Chart id' }), txId(9));
    await user.selectOptions(screen.getByLabelText('New custodian'), KEY_ME);
    await user.type(screen.getByLabelText('Officer password'), 'officer sentence');
    await user.click(screen.getByRole('button', { name: 'Recover the chart' }));
    expect(await screen.findAllByText(/Not enough shares: St Quorum needs 2/)).not.toHaveLength(0);

    await user.upload(screen.getByLabelText('Share files'), [share(1), share(2)]);
    expect(await screen.findByText(/2 of the 2 needed: share-1.json, share-2.json/)).toBeTruthy();
    await user.type(screen.getByLabelText('Officer password'), 'officer sentence');
    await user.click(screen.getByRole('button', { name: 'Recover the chart' }));
    expect(await screen.findByText('Recovery key rebuilt from the shares of 2 officers.')).toBeTruthy();
    expect(screen.getByText('Signed by 1 of the 2 officers needed')).toBeTruthy();
    expect(main.callsTo('hospital.recoverWithShares')[1]).toEqual({
      sessionKey: SESSION,
      shares: ['{"format":"healthchain.recovery-share","n":1}', '{"format":"healthchain.recovery-share","n":2}'],
      chartId: txId(9),
      to: KEY_ME,
      reason: '',
      password: 'officer sentence',
    });

    await user.click(screen.getByRole('button', { name: 'End the session' }));
    expect(main.callsTo('hospital.endRecoverySession')).toEqual([{ sessionKey: SESSION }]);
    expect(screen.getByRole('button', { name: 'Start a recovery session' })).toBeTruthy();
  });

  it('an officer seals their share to a pasted session key; a wrong password is shown, the path saved is said', async () => {
    let tries = 0;
    const { user, main } = setup(<SealShareForm authority={authority} />, {
      'hospital.sealShare': () => {
        tries++;
        if (tries === 1) throw new FakeIpcError({ code: 'WRONG_PASSWORD', message: 'Wrong officer password.' });
        return { savedTo: '/home/it/recovery-share-Ck3yXSV1-2026-12-04.json' };
      },
    });
    await user.type(screen.getByRole('textbox', { name: 'Session key' }), 'not a key');
    await user.type(screen.getByLabelText('Officer password'), 'officer sentence');
    await user.click(screen.getByRole('button', { name: 'Seal and save my share…' }));
    expect(await screen.findByText('is not a recovery session key')).toBeTruthy();
    expect(main.callsTo('hospital.sealShare')).toHaveLength(0);

    await user.clear(screen.getByRole('textbox', { name: 'Session key' }));
    await user.type(screen.getByRole('textbox', { name: 'Session key' }), SESSION);
    await user.type(screen.getByLabelText('Officer password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Seal and save my share…' }));
    expect(await screen.findByText('Wrong officer password.')).toBeTruthy();

    await user.type(screen.getByLabelText('Officer password'), 'officer sentence');
    await user.click(screen.getByRole('button', { name: 'Seal and save my share…' }));
    expect(await screen.findByText('/home/it/recovery-share-Ck3yXSV1-2026-12-04.json')).toBeTruthy();
    expect(main.callsTo('hospital.sealShare')[1]).toEqual({ sessionKey: SESSION, password: 'officer sentence' });
  });
});

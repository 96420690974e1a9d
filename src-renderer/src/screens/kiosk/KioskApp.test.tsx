import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { encodeCardCode } from '../../../../src-shared/crypto/card-code';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { chartView, txId } from '../../test/fixtures';
import { useKiosk } from '../../stores/kiosk';
import { KioskApp } from './KioskApp';

const CODE = encodeCardCode(new Uint8Array(16).fill(7));
const SESSION = { patientName: 'Amelia Quartermaine', chartId: txId(1), idleSeconds: 60 };

const kioskHandlers = {
  'patient.openCard': (req: unknown) => {
    if ((req as { pin: string }).pin !== '482913') throw new FakeIpcError({ code: 'WRONG_PIN', message: 'wrong pin' });
    return SESSION;
  },
  'patient.getChart': () => chartView(),
  'patient.signOut': () => ({}),
  'app.activity': () => ({}),
};

describe('Kiosk: card code and PIN', () => {
  it('checks the card code live: length, characters, checksum', async () => {
    const { user, main } = setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
    const input = screen.getByRole('textbox', { name: 'Access card code' });
    const message = () => document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent;
    expect(message()).toBe('The code on your card has 28 characters.');

    await user.type(input, CODE.slice(0, 9));
    expect(message()).toBe('8 of 28 characters entered.');
    expect(input.getAttribute('aria-invalid')).toBeNull();

    await user.type(input, '#');
    expect(message()).toBe('"#" (character 9) does not appear in card codes. Check the card.');
    expect(input.getAttribute('aria-invalid')).toBe('true');

    // One symbol changed: the checksum catches it before any key derivation.
    await user.clear(input);
    const typo = CODE.slice(0, 5) + (CODE[5] === 'A' ? 'B' : 'A') + CODE.slice(6);
    await user.paste(typo);
    expect(message()).toBe('This card code contains a typo: check each character against the card.');
    await user.type(screen.getByLabelText('PIN'), '482913');
    await user.click(screen.getByRole('button', { name: 'Open my record' }));
    expect(screen.getByRole('alert').textContent).toBe('This card code contains a typo: check each character against the card.');

    await user.clear(input);
    await user.paste(CODE.toLowerCase().replaceAll('-', ' '));
    expect(message()).toBe(`Code recognised: ${CODE}`);
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(main.callsTo('patient.openCard')).toHaveLength(0);
  });

  it('does not send a malformed code or PIN', async () => {
    const { user, main } = setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
    await user.type(screen.getByRole('textbox', { name: 'Access card code' }), 'ABCD');
    await user.type(screen.getByLabelText('PIN'), '12');
    await user.click(screen.getByRole('button', { name: 'Open my record' }));
    expect(screen.getByText('Your PIN has 6 to 12 digits')).toBeTruthy();
    expect(main.callsTo('patient.openCard')).toHaveLength(0);
  });

  it('says clearly when the PIN is wrong and clears it', async () => {
    const { user } = setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
    await user.click(screen.getByRole('textbox', { name: 'Access card code' }));
    await user.paste(CODE);
    await user.type(screen.getByLabelText('PIN'), '111222');
    await user.click(screen.getByRole('button', { name: 'Open my record' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'That PIN does not open this card. Check the PIN and try again, or ask at the desk.',
    );
    expect((screen.getByLabelText('PIN') as HTMLInputElement).value).toBe('');
  });

  it('opens the record read-only in the four tabs plus Visits, and signs out on demand, forgetting everything', async () => {
    const { user, main } = setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
    await user.click(screen.getByRole('textbox', { name: 'Access card code' }));
    await user.paste(CODE);
    await user.type(screen.getByLabelText('PIN'), '482913');
    await user.click(screen.getByRole('button', { name: 'Open my record' }));

    const tablist = await screen.findByRole('tablist', { name: 'Your record' });
    expect(within(tablist).getAllByRole('tab').map((t) => t.textContent)).toEqual([
      'General information', 'Doctors', 'Illness', 'Medication', 'Visits',
    ]);
    expect(main.callsTo('patient.openCard')).toEqual([{ code: CODE, pin: '482913' }]);
    // Read-only: nothing to type into, no write action.
    expect(screen.queryAllByRole('textbox')).toHaveLength(0);
    expect(screen.queryByRole('button', { name: /Edit|Save|Revoke/ })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(screen.getByRole('heading', { name: 'See your medical record' })).toBeTruthy();
    expect(main.callsTo('patient.signOut')).toHaveLength(1);
    expect(useKiosk.getState()).toMatchObject({ session: null, chart: null });
    expect((screen.getByRole('textbox', { name: 'Access card code' }) as HTMLInputElement).value).toBe('');
  });
});

describe('Kiosk: idle sign-out', () => {
  function signedIn() {
    vi.useFakeTimers();
    useKiosk.setState({ session: SESSION, chart: chartView(), chartError: null });
    return setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
  }

  it('warns with a visible countdown, then signs out and clears the session', async () => {
    const { main } = signedIn();
    expect(screen.getByRole('tablist', { name: 'Your record' })).toBeTruthy();
    // 60 s idle: the warning shows for the last 20 s.
    act(() => void vi.advanceTimersByTime(39_000));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    act(() => void vi.advanceTimersByTime(1_000));
    expect(screen.getByRole('alertdialog', { name: 'Are you still there?' }).textContent).toContain('signed out in 20 seconds');
    act(() => void vi.advanceTimersByTime(15_000));
    expect(screen.getByRole('alertdialog').textContent).toContain('signed out in 5 seconds');

    await act(async () => void vi.advanceTimersByTime(5_000));
    expect(screen.getByRole('heading', { name: 'See your medical record' })).toBeTruthy();
    expect(screen.queryByText('Amelia Quartermaine')).toBeNull();
    expect(useKiosk.getState()).toMatchObject({ session: null, chart: null });
    expect(main.callsTo('patient.signOut')).toHaveLength(1);
  });

  it('any input restarts the count, and “Stay signed in” dismisses the warning', () => {
    signedIn();
    act(() => void vi.advanceTimersByTime(45_000));
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Shift' });
    act(() => void vi.advanceTimersByTime(1_000));
    expect(screen.queryByRole('alertdialog')).toBeNull();

    act(() => void vi.advanceTimersByTime(45_000));
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    act(() => void vi.advanceTimersByTime(30_000));
    expect(screen.getByRole('tablist', { name: 'Your record' })).toBeTruthy();
  });

  it('wipes a half-typed code and PIN left on the sign-in screen after the idle time', async () => {
    vi.useFakeTimers();
    setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
    const code = screen.getByRole('textbox', { name: 'Access card code' });
    fireEvent.change(code, { target: { value: 'ABCD-EF' } });
    fireEvent.change(screen.getByLabelText('PIN'), { target: { value: '1234' } });
    act(() => void vi.advanceTimersByTime(89_000));
    expect((screen.getByRole('textbox', { name: 'Access card code' }) as HTMLInputElement).value).toBe('ABCD-EF');
    act(() => void vi.advanceTimersByTime(2_000));
    expect((screen.getByRole('textbox', { name: 'Access card code' }) as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('PIN') as HTMLInputElement).value).toBe('');
  });
});

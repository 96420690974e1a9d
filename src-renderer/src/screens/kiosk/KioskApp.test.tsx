import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SettingsView } from '../../../../src-shared/ipc';
import { encodeCardCode } from '../../../../src-shared/crypto/card-code';
import { camera, installCamera, removeCamera } from '../../test/fake-camera';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { qrFrame } from '../../test/qr-frame';
import { setup } from '../../test/render';
import { chartView, txId } from '../../test/fixtures';
import { useKiosk } from '../../stores/kiosk';
import { useSettings } from '../../stores/settings';
import { KioskApp } from './KioskApp';

vi.mock('./video-frame', async () => (await import('../../test/fake-camera')).fakeVideoFrameModule);

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
    expect(message()).toBe('The code on your card has 54 characters (28 on older cards).');

    await user.type(input, CODE.slice(0, 9));
    expect(message()).toBe('8 of 54 characters entered (older cards have 28).');
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
    expect(screen.getByRole('alert').textContent).toBe(
      'This card code contains a typo: check each character against the card.',
    );

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
    expect(
      within(tablist)
        .getAllByRole('tab')
        .map((t) => t.textContent),
    ).toEqual(['General information', 'Doctors', 'Illness', 'Medication', 'Visits', 'Access']); // Access: issue #13
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

const settingsView = (kioskCamera: boolean): SettingsView => ({
  values: {
    nodeUrls: [],
    autoLockMinutes: 10,
    kioskIdleSeconds: 60,
    allowUserNodeUrls: true,
    trustedPractitionerKeys: [],
    kioskCamera,
    hospitalAuthority: '',
    ledgerEnvelope: 'v1',
    listCheckpoints: true,
  },
  locked: [],
});
const codeBox = () => screen.getByRole('textbox', { name: 'Access card code' }) as HTMLInputElement;

describe('Kiosk: a hand-held scanner types the card QR code', () => {
  it('has the code field focused from the start, so a scan lands there', () => {
    setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
    expect(document.activeElement).toBe(codeBox());
  });

  it('takes exactly what the QR code holds, and Enter moves on to the PIN without submitting', async () => {
    const { user, main } = setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
    // What the scanner types: the QR text (the printed code, dashes included), then Enter.
    await user.keyboard(`${CODE}{Enter}`);
    expect(codeBox().value).toBe(CODE);
    expect(document.activeElement).toBe(screen.getByLabelText('PIN'));
    expect(main.callsTo('patient.openCard')).toHaveLength(0);
    expect(screen.queryByRole('alert')).toBeNull();

    await user.keyboard('482913{Enter}');
    expect(await screen.findByRole('tablist', { name: 'Your record' })).toBeTruthy();
    expect(main.callsTo('patient.openCard')).toEqual([{ code: CODE, pin: '482913' }]);
  });

  it('normalises a code read in another spelling to the printed form on Enter', async () => {
    const { user } = setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
    await user.keyboard(`${CODE.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o')}{Enter}`);
    expect(codeBox().value).toBe(CODE);
    expect(document.activeElement).toBe(screen.getByLabelText('PIN'));
  });

  it('lands in the PIN field when the scanner ends with Tab instead, the camera button notwithstanding', async () => {
    const { user } = setup(
      <KioskApp />,
      { ...kioskHandlers, 'settings.get': () => settingsView(true) },
      { variant: 'kiosk' },
    );
    await screen.findByRole('button', { name: 'Scan my card' });
    await user.keyboard(`${CODE}{Tab}`);
    expect(codeBox().value).toBe(CODE);
    expect(document.activeElement).toBe(screen.getByLabelText('PIN'));
  });

  it('stays on a code that is incomplete or misread, marks it, and sends nothing', async () => {
    const { user, main } = setup(<KioskApp />, kioskHandlers, { variant: 'kiosk' });
    await user.keyboard(`${CODE.slice(0, 12)}{Enter}`);
    expect(document.activeElement).toBe(codeBox());
    expect(codeBox().getAttribute('aria-invalid')).toBe('true');
    expect(main.callsTo('patient.openCard')).toHaveLength(0);
  });
});

describe('Kiosk: scanning the card with the camera', () => {
  afterEach(removeCamera);
  const withSettings = (kioskCamera: boolean) => ({
    ...kioskHandlers,
    'settings.get': () => settingsView(kioskCamera),
  });

  it('offers no camera when the kioskCamera setting is off', async () => {
    const cam = installCamera();
    const { main } = setup(<KioskApp />, withSettings(false), { variant: 'kiosk' });
    await waitFor(() => expect(useSettings.getState().view?.values.kioskCamera).toBe(false));
    expect(main.callsTo('settings.get')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Scan my card' })).toBeNull();
    expect(screen.getByText('Type the code printed on your access card, then your PIN.')).toBeTruthy();
    expect(cam.getUserMedia).not.toHaveBeenCalled();
  });

  it('fills the code from the camera, stops the camera, and puts the patient in the PIN field', async () => {
    const cam = installCamera();
    cam.show(qrFrame(CODE));
    const { user, main } = setup(<KioskApp />, withSettings(true), { variant: 'kiosk' });
    await user.click(await screen.findByRole('button', { name: 'Scan my card' }));
    await waitFor(() => expect(cam.getUserMedia).toHaveBeenCalledTimes(1));

    await waitFor(() => expect(codeBox().value).toBe(CODE));
    expect(cam.tracks[0]!.stop).toHaveBeenCalledTimes(1);
    expect(screen.queryByLabelText('Camera preview')).toBeNull();
    expect(screen.getByText(`Code recognised: ${CODE}`)).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('PIN')));

    await user.keyboard('482913{Enter}');
    expect(await screen.findByRole('tablist', { name: 'Your record' })).toBeTruthy();
    expect(main.callsTo('patient.openCard')).toEqual([{ code: CODE, pin: '482913' }]);
  });

  it('goes back to the typed code, camera off, when the patient cancels or the camera is refused', async () => {
    const cam = installCamera();
    const { user } = setup(<KioskApp />, withSettings(true), { variant: 'kiosk' });
    await user.click(await screen.findByRole('button', { name: 'Scan my card' }));
    await screen.findByText('Hold the QR code on your card in front of the camera.');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(cam.tracks[0]!.stop).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(document.activeElement).toBe(codeBox()));

    removeCamera();
    installCamera({ error: 'NotAllowedError' });
    await user.click(screen.getByRole('button', { name: 'Scan my card' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The camera is not allowed');
    await user.click(screen.getByRole('button', { name: 'Type the code instead' }));
    await user.keyboard(`${CODE}{Enter}`);
    expect(codeBox().value).toBe(CODE);
  });

  it('reads the settings again when the sign-in screen comes back, so IT turning the camera on reaches the next patient', async () => {
    installCamera();
    let cameraOn = false;
    const { user, main } = setup(
      <KioskApp />,
      { ...kioskHandlers, 'settings.get': () => settingsView(cameraOn) },
      { variant: 'kiosk' },
    );
    await waitFor(() => expect(useSettings.getState().view?.values.kioskCamera).toBe(false));
    expect(screen.queryByRole('button', { name: 'Scan my card' })).toBeNull();
    cameraOn = true;
    await user.click(codeBox());
    await user.paste(CODE);
    await user.type(screen.getByLabelText('PIN'), '482913');
    await user.click(screen.getByRole('button', { name: 'Open my record' }));
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('button', { name: 'Scan my card' })).toBeTruthy();
    expect(main.callsTo('settings.get')).toHaveLength(2);
  });

  it('closes the camera when the sign-in screen is reset for being idle', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const cam = installCamera();
    setup(<KioskApp />, withSettings(true), { variant: 'kiosk' });
    // Polled on DOM changes (the interval timers are fake here): the settings arrive, the scanner loads, the camera is on.
    fireEvent.click(await waitFor(() => screen.getByRole('button', { name: 'Scan my card' })));
    await waitFor(() => expect(screen.getByText('Hold the QR code on your card in front of the camera.')).toBeTruthy());
    expect(screen.getByLabelText('Camera preview')).toBeTruthy();
    expect(cam.tracks[0]!.stop).not.toHaveBeenCalled();

    act(() => void vi.advanceTimersByTime(61_000));
    expect(screen.queryByLabelText('Camera preview')).toBeNull();
    expect(cam.tracks[0]!.stop).toHaveBeenCalledTimes(1);
    expect(camera.released).toBe(1);
    expect(screen.getByRole('button', { name: 'Scan my card' })).toBeTruthy();
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
    expect(screen.getByRole('alertdialog', { name: 'Are you still there?' }).textContent).toContain(
      'signed out in 20 seconds',
    );
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

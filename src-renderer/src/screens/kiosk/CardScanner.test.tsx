import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeCardCode } from '../../../../src-shared/crypto/card-code';
import { camera, installCamera, removeCamera } from '../../test/fake-camera';
import { emptyFrame, qrFrame } from '../../test/qr-frame';
import { setup } from '../../test/render';
import { NOT_A_CARD } from './card-qr';
import { CardScanner } from './CardScanner';

vi.mock('./video-frame', async () => (await import('../../test/fake-camera')).fakeVideoFrameModule);

const CODE = encodeCardCode(new Uint8Array(16).fill(42));

function scanner() {
  const onCode = vi.fn();
  const onCancel = vi.fn();
  const rendered = setup(<CardScanner onCode={onCode} onCancel={onCancel} />, {}, { variant: 'kiosk' });
  return { ...rendered, onCode, onCancel };
}

afterEach(removeCamera);

describe('CardScanner', () => {
  it('asks for the camera (video only) and shows the preview', async () => {
    const cam = installCamera({ pending: true });
    scanner();
    expect(screen.getByRole('status').textContent).toBe('Starting the camera…');
    expect(cam.getUserMedia).toHaveBeenCalledTimes(1);
    const constraints = cam.getUserMedia.mock.calls[0]![0];
    expect(constraints.audio).toBe(false);
    expect(constraints.video).toBeTruthy();

    await act(async () => cam.resolve());
    expect(screen.getByRole('status').textContent).toBe('Hold the QR code on your card in front of the camera.');
    const video = screen.getByLabelText('Camera preview') as HTMLVideoElement;
    expect((video.srcObject as MediaStream).getTracks()).toEqual(cam.tracks);
  });

  it('reads a valid card, hands over its code, and stops the camera at once', async () => {
    const cam = installCamera();
    cam.show(emptyFrame(), qrFrame(CODE.toLowerCase().replaceAll('-', '')));
    const { onCode } = scanner();
    await waitFor(() => expect(onCode).toHaveBeenCalledTimes(1));
    // Normalised to the printed form, however the QR spelled it.
    expect(onCode).toHaveBeenCalledWith(CODE);
    expect(cam.tracks).toHaveLength(1);
    expect(cam.tracks[0]!.stop).toHaveBeenCalledTimes(1);
    expect((screen.getByLabelText('Camera preview') as HTMLVideoElement).srcObject).toBeNull();
    expect(camera.released).toBe(1);
    // No more frames are read after the card.
    const reads = camera.reads;
    cam.show(qrFrame(CODE));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(camera.reads).toBe(reads);
    expect(onCode).toHaveBeenCalledTimes(1);
  });

  it('ignores a QR code that is not a card, says so, and keeps scanning until a card shows', async () => {
    const cam = installCamera();
    cam.show(qrFrame('https://tickets.example/parking/4711'));
    const { onCode } = scanner();
    expect((await screen.findByRole('alert')).textContent).toBe(NOT_A_CARD);
    expect(onCode).not.toHaveBeenCalled();
    expect(cam.tracks[0]!.stop).not.toHaveBeenCalled();

    // A card code with one symbol changed fails its checksum: not a card either.
    const typo = CODE.slice(0, 5) + (CODE[5] === 'A' ? 'B' : 'A') + CODE.slice(6);
    cam.show(qrFrame(typo));
    await waitFor(() => expect(camera.frames).toHaveLength(0));
    expect(onCode).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe(NOT_A_CARD);

    cam.show(qrFrame(CODE));
    await waitFor(() => expect(onCode).toHaveBeenCalledWith(CODE));
    expect(cam.tracks[0]!.stop).toHaveBeenCalledTimes(1);
  });

  it('names a card of a format this version cannot read', async () => {
    const cam = installCamera();
    cam.show(qrFrame(encodeCardCode(new Uint8Array(16).fill(1), 3)));
    const { onCode } = scanner();
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This card uses format 3, which this version of HealthChain cannot read.',
    );
    expect(onCode).not.toHaveBeenCalled();
  });

  for (const [name, title, message] of [
    ['NotAllowedError', 'The camera is not allowed', /not allowed to use its camera/],
    ['SecurityError', 'The camera is not allowed', /not allowed to use its camera/],
    ['NotFoundError', 'No camera found', /no camera connected/],
    ['OverconstrainedError', 'No camera found', /no camera connected/],
    ['NotReadableError', 'The camera is busy', /in use by another program/],
    ['AbortError', 'The camera is busy', /in use by another program/],
    ['TypeError', 'No camera available', /cannot use a camera/],
  ] as const) {
    it(`explains a camera that fails with ${name}, and offers typing instead`, async () => {
      installCamera({ error: name });
      const { onCancel, user } = scanner();
      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toContain(title);
      expect(alert.textContent).toMatch(message);
      expect(alert.textContent).toContain('You can still type the code printed on your card.');
      expect(screen.queryByLabelText('Camera preview')).toBeNull();
      await user.click(screen.getByRole('button', { name: 'Type the code instead' }));
      expect(onCancel).toHaveBeenCalledTimes(1);
    });
  }

  it('says so where the browser has no camera API at all', async () => {
    removeCamera();
    scanner();
    expect((await screen.findByRole('alert')).textContent).toContain('No camera available');
  });

  it('stops the camera on cancel', async () => {
    const cam = installCamera();
    const { onCancel, user } = scanner();
    await screen.findByText('Hold the QR code on your card in front of the camera.');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(cam.tracks[0]!.stop).toHaveBeenCalledTimes(1);
    expect(onCancel).toHaveBeenCalledTimes(1);
    const reads = camera.reads;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(camera.reads).toBe(reads);
  });

  it('stops the camera on unmount', async () => {
    const cam = installCamera();
    const { unmount } = scanner();
    await screen.findByText('Hold the QR code on your card in front of the camera.');
    unmount();
    expect(cam.tracks[0]!.stop).toHaveBeenCalledTimes(1);
    expect(camera.released).toBe(1);
  });

  it('releases a camera that arrives after the scanner was closed', async () => {
    const cam = installCamera({ pending: true });
    const { unmount } = scanner();
    unmount();
    await act(async () => cam.resolve());
    expect(cam.tracks).toHaveLength(1);
    expect(cam.tracks[0]!.stop).toHaveBeenCalledTimes(1);
    expect(camera.reads).toBe(0);
  });

  it('wipes each frame once it is decoded', async () => {
    const cam = installCamera();
    const frames = [qrFrame('not a card'), qrFrame(CODE)];
    cam.show(...frames);
    const { onCode } = scanner();
    await waitFor(() => expect(onCode).toHaveBeenCalled());
    for (const frame of frames) expect(frame.data.every((byte) => byte === 0)).toBe(true);
  });
});

// TEST DOUBLE of the camera for component tests: jsdom has neither getUserMedia nor video frames. This stands in for
// the two browser edges only — `navigator.mediaDevices.getUserMedia` (resolving with a stream whose tracks record
// stop(), or rejecting with the DOMException a browser raises) and the video-to-pixels copy (video-frame.ts), which
// hands out the frames a test queued. The QR decoding and the card-code checks stay real. The real edges run in
// Chromium in test/e2e/kiosk-camera.spec.ts.
import { vi } from 'vitest';
import type { Frame } from '../screens/kiosk/card-qr';
import type { FrameReader } from '../screens/kiosk/video-frame';

export interface FakeTrack {
  kind: 'video';
  readyState: 'live' | 'ended';
  stop: ReturnType<typeof vi.fn>;
}

interface CameraState {
  frames: Frame[];
  reads: number;
  released: number;
}

export const camera: CameraState = { frames: [], reads: 0, released: 0 };

/** The replacement for ./video-frame (use with vi.mock). */
export const fakeVideoFrameModule = {
  DECODE_MAX_SIDE: 640,
  createFrameReader(): FrameReader {
    return {
      read: () => {
        camera.reads++;
        return camera.frames.shift() ?? null;
      },
      release: () => void camera.released++,
    };
  },
};

export function fakeTrack(): FakeTrack {
  const track: FakeTrack = {
    kind: 'video',
    readyState: 'live',
    stop: vi.fn(() => {
      track.readyState = 'ended';
    }),
  };
  return track;
}

type Answer = { stream: true } | { error: string } | { pending: true };

/**
 * Installs getUserMedia. `answer`: a stream, a rejection with a DOMException of that name, or a promise the test
 * settles later (`resolve()` / `reject(name)`).
 */
export function installCamera(answer: Answer = { stream: true }) {
  camera.frames = [];
  camera.reads = 0;
  camera.released = 0;
  const tracks: FakeTrack[] = [];
  const makeStream = () => {
    const track = fakeTrack();
    tracks.push(track);
    return {
      active: true,
      getTracks: () => [track],
      getVideoTracks: () => [track],
      getAudioTracks: () => [],
    } as unknown as MediaStream;
  };
  let settle: { resolve: () => void; reject: (name: string) => void } | null = null;
  const getUserMedia = vi.fn((constraints: MediaStreamConstraints) => {
    void constraints;
    if ('stream' in answer) return Promise.resolve(makeStream());
    if ('error' in answer) return Promise.reject(new DOMException('camera failed in the test', answer.error));
    return new Promise<MediaStream>((resolve, reject) => {
      settle = {
        resolve: () => resolve(makeStream()),
        reject: (name) => reject(new DOMException('camera failed in the test', name)),
      };
    });
  });
  Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true });
  // jsdom does not play media; a browser plays a muted stream by itself.
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
  return {
    getUserMedia,
    tracks,
    /** Frames the camera shows next, one per decode. */
    show: (...frames: Frame[]) => void camera.frames.push(...frames),
    resolve: () => settle?.resolve(),
    reject: (name: string) => settle?.reject(name),
  };
}

export function removeCamera(): void {
  Reflect.deleteProperty(navigator, 'mediaDevices');
}

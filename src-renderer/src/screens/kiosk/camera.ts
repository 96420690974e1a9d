// Opening and closing the kiosk's camera, and what to tell the patient when it cannot be used. Only video is ever
// asked for; main grants nothing else (src-main/app/guards.ts).
type CameraProblemKind = 'none' | 'refused' | 'busy' | 'unsupported';

export interface CameraProblem {
  title: string;
  message: string;
}

const TYPE_INSTEAD = 'You can still type the code printed on your card.';

const PROBLEMS: Record<CameraProblemKind, CameraProblem> = {
  none: { title: 'No camera found', message: `This kiosk has no camera connected. ${TYPE_INSTEAD}` },
  refused: {
    title: 'The camera is not allowed',
    message: `This kiosk is not allowed to use its camera. ${TYPE_INSTEAD}`,
  },
  busy: {
    title: 'The camera is busy',
    message: `The camera is in use by another program or not working. Please ask at the desk. ${TYPE_INSTEAD}`,
  },
  unsupported: { title: 'No camera available', message: `This kiosk cannot use a camera. ${TYPE_INSTEAD}` },
};

/** Maps getUserMedia's failure (a DOMException by name) to what the patient is told. */
export function cameraProblem(error: unknown): CameraProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const kind: CameraProblemKind =
    name === 'NotAllowedError' || name === 'SecurityError'
      ? 'refused'
      : name === 'NotFoundError' || name === 'OverconstrainedError'
        ? 'none'
        : name === 'NotReadableError' || name === 'AbortError'
          ? 'busy'
          : 'unsupported';
  return PROBLEMS[kind];
}

export class NoMediaDevicesError extends Error {
  override name = 'NoMediaDevicesError';
}

/** Asks for the camera (video only). Rejects with getUserMedia's own error, or NoMediaDevicesError without the API. */
export async function openCamera(): Promise<MediaStream> {
  const devices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!devices?.getUserMedia) throw new NoMediaDevicesError('navigator.mediaDevices.getUserMedia is not available');
  return devices.getUserMedia({ audio: false, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
}

/** Stops every track: the camera light goes off and the device is free for the next person. */
export function stopCamera(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

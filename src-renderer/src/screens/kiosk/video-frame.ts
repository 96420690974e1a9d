// Copies the current video frame into pixels the QR decoder can read, scaled down: jsQR's cost grows faster than the
// pixel count (on a synthetic busy scene, up to 0.75 s of CPU per 1280×720 frame against 0.06 s at 640×480) and a
// card's QR code stays readable well below the camera's resolution. One canvas per scanner, cleared after every frame and released at
// the end.
import type { Frame } from './card-qr';

export const DECODE_MAX_SIDE = 640;

export interface FrameReader {
  /** The frame now showing, or null while the video has none yet. */
  read(video: HTMLVideoElement): Frame | null;
  release(): void;
}

export function createFrameReader(): FrameReader {
  let canvas: HTMLCanvasElement | null = document.createElement('canvas');
  let context: CanvasRenderingContext2D | null = null;
  return {
    read(video) {
      if (
        !canvas ||
        video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA ||
        video.videoWidth === 0 ||
        video.videoHeight === 0
      )
        return null;
      const scale = Math.min(1, DECODE_MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
      const width = Math.round(video.videoWidth * scale);
      const height = Math.round(video.videoHeight * scale);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      context ??= canvas.getContext('2d', { willReadFrequently: true });
      if (!context) return null;
      context.drawImage(video, 0, 0, width, height);
      const { data } = context.getImageData(0, 0, width, height);
      context.clearRect(0, 0, width, height);
      return { data, width, height };
    },
    release() {
      if (canvas) {
        canvas.width = 0;
        canvas.height = 0;
      }
      canvas = null;
      context = null;
    },
  };
}

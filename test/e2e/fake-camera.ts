// A camera for Chromium to play: a Y4M video (Chromium's `--use-file-for-fake-video-capture`) showing a QR code, made
// from the same QR encoder and options the app prints access cards with. Written by the test, never committed.
import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';

export interface FakeCameraOptions {
  width?: number;
  height?: number;
  /** Pixels per QR module. */
  scale?: number;
  frames?: number;
}

function fill(
  luma: Uint8Array,
  width: number,
  box: { left: number; top: number; w: number; h: number },
  value: number,
): void {
  for (let y = box.top; y < box.top + box.h; y++) luma.fill(value, y * width + box.left, y * width + box.left + box.w);
}

/**
 * The luma plane of one frame: a grey scene with a white card held up, the QR code (quiet zone included) on its left
 * and dark bars for the printed text on its right. `text` null: the card's back, text only and no QR code.
 */
export function qrLuma(
  text: string | null,
  { width = 640, height = 480, scale = 7 }: FakeCameraOptions = {},
): Uint8Array {
  // Same encoding options as src-main/vault/patient-card.ts, so the test reads what a printed card shows.
  const qr = text === null ? null : QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr?.modules.size ?? 25;
  const quiet = 4;
  const side = (size + 2 * quiet) * scale;
  // The QR code in the middle of the picture, where the kiosk's preview asks for it; the card reaches to one side.
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const card = { w: Math.round(side * 1.6), h: Math.round(side * 1.05) };
  const cardTop = top - Math.floor((card.h - side) / 2);
  if (left + card.w > width || cardTop < 0)
    throw new Error(`a ${size}-module QR at scale ${scale} does not fit ${width}x${height}`);
  const luma = new Uint8Array(width * height).fill(96);
  fill(luma, width, { left, top: cardTop, ...card }, 235);
  // Without a QR code the card shows its back: lines of text across its whole width.
  const textLeft = qr ? left + side : left + quiet * scale;
  const textWidth = left + card.w - quiet * scale - textLeft;
  for (let line = 0; line < (qr ? 4 : 6); line++) {
    fill(
      luma,
      width,
      {
        left: textLeft,
        top: top + quiet * scale + line * 2 * scale * 2,
        w: Math.round(textWidth * (line === 0 ? 1 : 0.7)),
        h: scale * 2,
      },
      60,
    );
  }
  if (!qr) return luma;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - quiet;
      const my = Math.floor(y / scale) - quiet;
      const dark = mx >= 0 && my >= 0 && mx < size && my < size && qr.modules.get(my, mx) === 1;
      luma[(top + y) * width + left + x] = dark ? 16 : 235;
    }
  }
  return luma;
}

/**
 * Writes a grey-scale YUV4MPEG2 (4:2:0) video of `frames` identical frames. Chromium loops the file, so a short one
 * is an endless camera.
 */
export async function writeQrVideo(file: string, text: string | null, options: FakeCameraOptions = {}): Promise<void> {
  const { width = 640, height = 480, frames = 5 } = options;
  if (width % 2 !== 0 || height % 2 !== 0) throw new Error('4:2:0 video needs an even width and height');
  const luma = qrLuma(text, { ...options, width, height });
  const chroma = new Uint8Array((width / 2) * (height / 2) * 2).fill(128); // U and V planes: no colour
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frameHeader = Buffer.from('FRAME\n', 'ascii');
  const parts: Uint8Array[] = [header];
  for (let i = 0; i < frames; i++) parts.push(frameHeader, luma, chroma);
  await writeFile(file, Buffer.concat(parts));
}

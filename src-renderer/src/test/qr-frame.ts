// Camera frames for component tests: a real QR code (the same encoder and options the app prints cards with) drawn
// as RGBA pixels, which is what the scanner's frame reader hands the real decoder in a browser.
import QRCode from 'qrcode';
import type { Frame } from '../screens/kiosk/card-qr';

export function qrFrame(text: string, { width = 320, height = 240, scale = 5 } = {}): Frame {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const quiet = 4;
  const side = (size + 2 * quiet) * scale;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const mx = Math.floor((x - left) / scale) - quiet;
      const my = Math.floor((y - top) / scale) - quiet;
      const inside = x >= left && y >= top && x < left + side && y < top + side;
      const dark = inside && mx >= 0 && my >= 0 && mx < size && my < size && qr.modules.get(my, mx) === 1;
      const value = !inside ? 110 : dark ? 20 : 240;
      data.set([value, value, value, 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

/** A frame with no QR code in it. */
export function emptyFrame(width = 320, height = 240): Frame {
  return { data: new Uint8ClampedArray(width * height * 4).fill(128), width, height };
}

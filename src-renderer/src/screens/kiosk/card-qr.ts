// Reads an access card from one camera frame: finds a QR code (jsQR) and accepts it only if its text is a card code
// whose checksum holds (the same parser as the typed code and main's, src-shared/crypto/card-code.ts).
import jsQR from 'jsqr';
import { decodeCardCode } from '../../../../src-shared/crypto/card-code';

/** RGBA pixels, as a canvas's getImageData gives them. */
export interface Frame {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export type CardQrReading = { kind: 'none' } | { kind: 'card'; code: string } | { kind: 'not-card'; message: string };

export const NOT_A_CARD = 'This QR code is not a HealthChain access card. Show the QR code printed on your card.';

export function readCardQr(frame: Frame): CardQrReading {
  // Cards are printed dark on light: skipping jsQR's inverted pass halves the cost of every frame without a QR code.
  const qr = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
  if (!qr) return { kind: 'none' };
  try {
    return { kind: 'card', code: decodeCardCode(qr.data).code };
  } catch (err) {
    // A card of a newer format says so; anything else (a web address, a ticket, a damaged code) is simply not a card.
    const problem = (err as { problem?: string }).problem;
    return { kind: 'not-card', message: problem === 'version' && err instanceof Error ? err.message : NOT_A_CARD };
  }
}

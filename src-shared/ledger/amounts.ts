// Output amounts: decimal strings holding 1 ≤ n ≤ 9×10^18 (docs/PROTOCOL.md §1.5).
// BigInt, since 9e18 > Number.MAX_SAFE_INTEGER.
import type { LedgerValidationError } from './errors';
import { messages } from './errors';

export const MAX_AMOUNT = 9_000_000_000_000_000_000n;
const AMOUNT_TEXT = /^[0-9]{1,20}$/;

/** Reads a schema-valid amount string; the error is the reference's AmountError. */
export function readAmount(text: string): { ok: true; value: bigint } | { ok: false; error: LedgerValidationError } {
  const value = BigInt(text);
  if (value < 1n) return { ok: false, error: { type: 'AmountError', message: messages.amountTooSmall } };
  if (value > MAX_AMOUNT) return { ok: false, error: { type: 'AmountError', message: messages.amountTooLarge } };
  return { ok: true, value };
}

export function isValidAmount(text: unknown): text is string {
  return typeof text === 'string' && AMOUNT_TEXT.test(text) && readAmount(text).ok;
}

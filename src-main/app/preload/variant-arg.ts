// Main tells the sandboxed preload which build runs through webPreferences.additionalArguments.
import type { Variant } from '../../../src-shared/ipc';

export const VARIANT_ARG_PREFIX = '--healthchain-variant=';

export function variantArg(variant: Variant): string {
  return VARIANT_ARG_PREFIX + variant;
}

export function variantFromArgv(argv: readonly string[]): Variant {
  // Unknown or missing means the most restricted client; main registers channels per build anyway.
  const arg = argv.find((a) => a.startsWith(VARIANT_ARG_PREFIX));
  return arg === variantArg('workstation') ? 'workstation' : 'kiosk';
}

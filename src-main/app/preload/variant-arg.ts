// Main tells the sandboxed preload which build runs through webPreferences.additionalArguments.
import type { Variant } from '../../../src-shared/ipc';

export const VARIANT_ARG_PREFIX = '--healthchain-variant=';

export function variantArg(variant: Variant): string {
  return VARIANT_ARG_PREFIX + variant;
}

/**
 * The build named on the command line, or undefined. The client only uses it to answer UNKNOWN_CHANNEL locally;
 * main is the authority (it registers only its build's channels), so a missing argument loses no protection.
 */
export function variantFromArgv(argv: readonly string[]): Variant | undefined {
  const arg = argv.find((a) => a.startsWith(VARIANT_ARG_PREFIX));
  if (arg === variantArg('workstation')) return 'workstation';
  if (arg === variantArg('kiosk')) return 'kiosk';
  return undefined;
}

// Which build is running. The kiosk build is fixed at package time (electron-builder extraMetadata writes
// `healthchainVariant: "kiosk"` into the packaged package.json), so a patient cannot switch it; `--kiosk` is honoured
// only in an unpackaged (development) run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { app } from 'electron';
import type { Variant } from '../../src-shared/ipc';

export interface VariantInputs {
  isPackaged: boolean;
  /** The packaged app's package.json, parsed (null if unreadable). */
  packageJson: unknown;
  argv: readonly string[];
}

export function resolveVariant({ isPackaged, packageJson, argv }: VariantInputs): Variant {
  const field =
    typeof packageJson === 'object' && packageJson !== null
      ? (packageJson as { healthchainVariant?: unknown }).healthchainVariant
      : undefined;
  if (field === 'kiosk') return 'kiosk';
  if (!isPackaged && argv.includes('--kiosk')) return 'kiosk';
  return 'workstation';
}

/** The packaged package.json (extraMetadata lands here), or null. */
export function readPackageJson(appPath: string): unknown {
  try {
    return JSON.parse(readFileSync(path.join(appPath, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
}

let cached: Variant | undefined;

export function getVariant(): 'workstation' | 'kiosk' {
  cached ??= resolveVariant({
    isPackaged: app.isPackaged,
    packageJson: readPackageJson(app.getAppPath()),
    argv: process.argv,
  });
  return cached;
}

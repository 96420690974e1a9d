// Finds the Electron executable without triggering electron's on-demand download (its index.js downloads when the
// binary is missing, which must never happen behind a hospital proxy or in CI).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @returns {{ path: string } | { missing: string }} */
export function findElectronBinary() {
  const pkgDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = path.join(override, relative || (process.platform === 'win32' ? 'electron.exe' : 'electron'));
    return existsSync(candidate)
      ? { path: candidate }
      : { missing: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${candidate} does not exist` };
  }
  if (!existsSync(pkgDir)) return { missing: 'the electron package is not installed (run npm ci)' };
  if (!relative) {
    return {
      missing:
        'the electron package is installed without its binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or install scripts blocked)',
    };
  }
  const candidate = path.join(pkgDir, 'dist', relative);
  return existsSync(candidate) ? { path: candidate } : { missing: `the Electron binary ${candidate} is missing` };
}

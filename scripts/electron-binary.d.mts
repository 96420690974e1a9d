/** Finds the Electron executable without triggering electron's on-demand download. */
export function findElectronBinary(): { path: string } | { missing: string };

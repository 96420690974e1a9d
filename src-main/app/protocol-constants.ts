// The custom scheme the renderer bundle is served from (never file://). Kept apart from protocol.ts so the IPC sender
// check can use it without importing Electron.
export const APP_SCHEME = 'app';
export const APP_HOST = 'healthchain';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

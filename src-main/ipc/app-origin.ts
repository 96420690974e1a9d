// The custom scheme the renderer bundle is served from (never file://), and so the only origin the IPC sender check
// trusts. It lives in ipc/ (below app/, which serves it) so that check needs neither Electron nor anything of app/.
export const APP_SCHEME = 'app';
export const APP_HOST = 'healthchain';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

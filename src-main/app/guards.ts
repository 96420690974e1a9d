// Everything a page could do to leave its box is refused here: navigation, new windows, webviews, permissions,
// downloads, and (outside development) DevTools.
import type { Session, WebContents } from 'electron';

export interface GuardOptions {
  isDevelopment: boolean;
  log?: (message: string) => void;
}

export function guardWebContents(contents: WebContents, { isDevelopment, log = console.warn }: GuardOptions): void {
  // The app is a single page: any navigation (link, form, location change, redirect) is an attack or a bug.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log(`blocked navigation to ${url}`);
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
    log(`blocked frame navigation to ${event.url}`);
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    log(`blocked redirect to ${url}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`blocked window.open(${url})`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>');
  });
  if (!isDevelopment) {
    contents.on('devtools-opened', () => contents.closeDevTools());
  }
}

export function guardSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
  session.on('will-download', (event) => event.preventDefault());
  // The renderer never needs the network: everything comes over IPC. Block anything that is not our own scheme.
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = details.url.startsWith('app://') || details.url.startsWith('devtools://') || details.url.startsWith('data:');
    callback({ cancel: !allowed });
  });
}

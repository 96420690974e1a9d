// Everything a page could do to leave its box is refused here: navigation, new windows, webviews, permissions,
// downloads, and (outside development) DevTools. The one exception is the kiosk's camera, for reading access cards.
import type {
  MediaAccessPermissionRequest,
  PermissionCheckHandlerHandlerDetails,
  PermissionRequest,
  Session,
  WebContents,
} from 'electron';
import type { Variant } from '../../src-shared/ipc';
import { isAppUrl } from '../ipc/sender';

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

export interface CameraPolicy {
  variant: Variant;
  /** The kioskCamera setting, read at every request: IT may turn it off while the app runs. */
  cameraSetting: () => boolean;
}

/** Our own page's origin or URL (app://healthchain): the same test the IPC sender check makes. */
const isAppOrigin = (value: string | undefined): boolean => value !== undefined && isAppUrl(value);

/**
 * A permission request is granted only for the kiosk's camera: the `media` permission for video alone (never audio,
 * never screen capture, which is the separate `display-capture` permission), asked by our own page's main frame,
 * in the kiosk build, while the kioskCamera setting allows it.
 */
export function allowsPermissionRequest(
  policy: CameraPolicy | undefined,
  permission: string,
  details: PermissionRequest | MediaAccessPermissionRequest,
): boolean {
  if (policy?.variant !== 'kiosk' || permission !== 'media' || !details.isMainFrame) return false;
  const mediaTypes = (details as MediaAccessPermissionRequest).mediaTypes ?? [];
  if (mediaTypes.length === 0 || mediaTypes.some((type) => type !== 'video')) return false;
  if (!isAppOrigin((details as MediaAccessPermissionRequest).securityOrigin) || !isAppOrigin(details.requestingUrl))
    return false;
  return policy.cameraSetting();
}

/** The synchronous checks Chromium makes around the same request (e.g. before listing devices): the same rule. */
export function allowsPermissionCheck(
  policy: CameraPolicy | undefined,
  permission: string,
  requestingOrigin: string,
  details: PermissionCheckHandlerHandlerDetails,
): boolean {
  if (policy?.variant !== 'kiosk' || permission !== 'media' || !details.isMainFrame || details.mediaType !== 'video')
    return false;
  if (!isAppOrigin(requestingOrigin) || (details.securityOrigin !== undefined && !isAppOrigin(details.securityOrigin)))
    return false;
  return policy.cameraSetting();
}

/** Without a camera policy (the workstation), every permission is denied. */
export function guardSession(session: Session, camera?: CameraPolicy): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowsPermissionRequest(camera, permission, details)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    allowsPermissionCheck(camera, permission, requestingOrigin, details),
  );
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
  session.on('will-download', (event) => event.preventDefault());
  // The renderer never needs the network: everything comes over IPC. Block anything that is not our own scheme.
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed =
      details.url.startsWith('app://') || details.url.startsWith('devtools://') || details.url.startsWith('data:');
    callback({ cancel: !allowed });
  });
}

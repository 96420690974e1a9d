// Who may call main: only the main frame of our own window, showing our own app:// origin. A compromised or
// navigated frame, a subframe, a devtools extension page or any other webContents is refused.
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-origin';

export interface SenderFacts {
  readonly sender: Pick<WebContents, 'id'>;
  readonly senderFrame: {
    readonly url: string;
    readonly parent: unknown;
    readonly routingId: number;
    readonly processId: number;
  } | null;
}

/** True when `url` is a page of our bundle (app://healthchain/...). Node's URL gives custom schemes origin "null". */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === `${APP_SCHEME}:` &&
      parsed.host === APP_HOST &&
      parsed.username === '' &&
      parsed.password === ''
    );
  } catch {
    return false;
  }
}

export interface TrustedWindow {
  readonly webContents: Pick<WebContents, 'id'> & {
    readonly mainFrame: { readonly routingId: number; readonly processId: number };
  };
  isDestroyed(): boolean;
}

export function isTrustedSender(event: SenderFacts | IpcMainInvokeEvent, window: TrustedWindow | null): boolean {
  if (!window || window.isDestroyed()) return false;
  if (event.sender.id !== window.webContents.id) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const main = window.webContents.mainFrame;
  if (frame.routingId !== main.routingId || frame.processId !== main.processId) return false;
  return isAppUrl(frame.url);
}

// A named fake of the `electron` module for unit tests: Electron's binary is absent here, so `import 'electron'`
// cannot load. It records what the code under test asks of Electron (handlers, listeners, options) so tests can
// assert on them and fire the events themselves. Use (from src-main/app): vi.mock('electron', () => import('../../test/fakes/fake-electron')).
type Listener = (...args: unknown[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): unknown[] {
    return (this.listeners.get(event) ?? []).map((l) => l(...args));
  }
}

/** A navigation-like event whose preventDefault is observable. */
export function fakeEvent(
  extra: Record<string, unknown> = {},
): { defaultPrevented: boolean; preventDefault(): void } & Record<string, unknown> {
  const event = {
    ...extra,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export class FakeWebContents extends FakeEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  devToolsClosed = 0;
  url = 'app://healthchain/index.html';
  readonly mainFrame = { routingId: 1, processId: 1 };
  readonly sent: [string, unknown][] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  closeDevTools(): void {
    this.devToolsClosed += 1;
  }
  getURL(): string {
    return this.url;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
}

export class BrowserWindow extends FakeEmitter {
  static created: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  shown = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  isDestroyed(): boolean {
    return false;
  }
}

export class FakeSession extends FakeEmitter {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  devicePermissionHandler: Listener | null = null;
  displayMediaRequestHandler: Listener | null = null;
  beforeRequest: Listener | null = null;
  readonly protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  readonly protocol = {
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
      this.protocolHandlers.set(scheme, handler);
    },
  };
  readonly webRequest = {
    onBeforeRequest: (listener: Listener) => {
      this.beforeRequest = listener;
    },
  };
  setPermissionRequestHandler(handler: Listener): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: Listener): void {
    this.devicePermissionHandler = handler;
  }
  setDisplayMediaRequestHandler(handler: Listener): void {
    this.displayMediaRequestHandler = handler;
  }
}

const sessions = new Map<string, FakeSession>();
export const session = {
  fromPartition(partition: string): FakeSession {
    let s = sessions.get(partition);
    if (!s) sessions.set(partition, (s = new FakeSession()));
    return s;
  },
};

export const protocol = {
  registered: [] as unknown[],
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    protocol.registered.push(...schemes);
  },
};

export const app = {
  isPackaged: false,
  getAppPath: () => '/nonexistent',
};

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, listener: Listener): void {
    ipcMain.handlers.set(channel, listener);
  },
  removeHandler(channel: string): void {
    ipcMain.handlers.delete(channel);
  },
};

export default { BrowserWindow, session, protocol, app, ipcMain };

// Creates the one app window, hardened, and loads the renderer from app://. Its session is the in-memory partition
// that main.ts guarded and on which it serves the app:// scheme.
import { BrowserWindow } from 'electron';
import type { Variant } from '../../src-shared/ipc';
import { guardWebContents } from './guards';
import { APP_ENTRY_URL } from '../ipc/app-origin';
import { variantArg } from './preload/variant-arg';
import { frameOptions } from './web-preferences';

export interface MainWindowInputs {
  variant: Variant;
  preloadPath: string;
  partition: string;
  isDevelopment: boolean;
}

export function createMainWindow(inputs: MainWindowInputs): BrowserWindow {
  const window = new BrowserWindow({
    ...frameOptions(inputs.variant, inputs.isDevelopment),
    show: false, // shown on ready-to-show, so no blank flash
    backgroundColor: '#f7f8fa',
    webPreferences: {
      preload: inputs.preloadPath,
      partition: inputs.partition,
      additionalArguments: [variantArg(inputs.variant)],
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false, // the spellchecker would send typed health data to a dictionary service
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick', // middle-click must not open links in new windows
      devTools: inputs.isDevelopment,
    },
  });
  guardWebContents(window.webContents, { isDevelopment: inputs.isDevelopment });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

// The Electron main process: lifecycle, the hardened window, the embedded ledger node, and the IPC registry.
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindow } from 'electron';
import { app, dialog, ipcMain, powerMonitor, session, shell, utilityProcess } from 'electron';
import electronUpdater from 'electron-updater';
import { EVENT_PREFIX } from '../../src-shared/ipc';
import { bindRegistryToIpcMain } from '../ipc/electron-ipc';
import { createManagedSettingsReader, SettingsService } from '../settings';
import { startAutoLock } from '../vault';
import { createCore, type Core } from './core';
import { securityHeaders } from './csp';
import { isVettedTransactionUrl } from '../ipc/external-links';
import { startEmbeddedNode, type EmbeddedNode } from './embedded-node';
import { startEmergencyBesideNode } from './emergency-beside-node';
import { LedgerNodeClient } from '../ledger/node-client';
import { guardSession, guardWebContents } from './guards';
import { installMenu } from './menu';
import { registerAppScheme, serveRendererOn } from './protocol';
import { getVariant, readPackageJson } from './variant';
import { partitionFor } from './web-preferences';
import { pinnedUpdateKey } from './update-feed';
import { startUpdateChecks } from './updates';
import { createMainWindow } from './window';
import { ledgerFolderIn } from '../ledger-node/process/data-dir';

// Managed settings on macOS are keyed by the bundle id (electron-builder appId of each build).
const APP_ID = { workstation: 'org.healthchain.workstation', kiosk: 'org.healthchain.kiosk' } as const;
const here = path.dirname(fileURLToPath(import.meta.url));
const isDevelopment = !app.isPackaged;
const variant = getVariant();
const paths = {
  renderer: path.join(here, '../renderer'),
  preload: path.join(here, '../preload/preload.cjs'),
  ledgerEntry: path.join(here, 'ledger-node.js'),
  verifyWorker: new URL('./verify-worker.js', import.meta.url),
};

// Process-wide hardening, before anything else runs.
app.enableSandbox();
registerAppScheme();
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, { isDevelopment }));

let mainWindow: BrowserWindow | null = null;
let core: Core | null = null;
let embedded: EmbeddedNode | null = null;
let kioskScratch: string | null = null;
const cleanups: (() => void | Promise<void>)[] = [];

if (!app.requestSingleInstanceLock()) {
  // A second copy would fight over the keychain session, the outbox and the embedded node's data.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (cleanups.length === 0) return;
    event.preventDefault();
    const pending = cleanups.splice(0).reverse();
    void (async () => {
      for (const cleanup of pending) {
        try {
          await cleanup();
        } catch (error) {
          console.error('[app] shutdown step failed', error);
        }
      }
      app.quit();
    })();
  });
  prepareKioskPaths();
  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('[app] could not start', error);
      dialog.showErrorBox('HealthChain could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}

/** The kiosk keeps nothing: Chromium's own session files go to a scratch folder that is deleted on quit. */
function prepareKioskPaths(): void {
  if (variant !== 'kiosk') return;
  // Synchronous on purpose: sessionData must be set before the app is ready.
  kioskScratch = mkdtempSync(path.join(tmpdir(), 'healthchain-kiosk-'));
  app.setPath('sessionData', kioskScratch);
  const scratch = kioskScratch;
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  await mkdir(userData, { recursive: true });
  const settings = await SettingsService.openInUserData(userData, createManagedSettingsReader(APP_ID[variant]));
  cleanups.push(settings.watchManaged());

  if (settings.get().values.nodeUrls.length === 0) {
    embedded = await startEmbeddedNode((modulePath, args, options) => utilityProcess.fork(modulePath, args, options), {
      entryPath: paths.ledgerEntry,
      dataDir: ledgerFolderIn(userData),
    });
    const node = embedded;
    node.onUnexpectedExit((code) => console.error(`[app] the embedded ledger node exited (code ${code})`));
    cleanups.push(() => node.stop());
  }

  core = await createCore({
    variant,
    dataDir: userData,
    settings,
    embeddedNodeUrl: embedded?.url ?? null,
    embeddedNodeToken: embedded?.token ?? null,
    verifyWorkerEntry: paths.verifyWorker,
    appVersion: app.getVersion(),
    shell: {
      saveFile: async (suggestedName, content) => {
        const options = { defaultPath: path.join(app.getPath('documents'), suggestedName) };
        const result = mainWindow
          ? await dialog.showSaveDialog(mainWindow, options)
          : await dialog.showSaveDialog(options);
        if (result.canceled || !result.filePath) return null;
        await writeFile(result.filePath, content, { mode: 0o600 });
        return result.filePath;
      },
      openExternal: async (url) => {
        // Checked again here, next to the call, so no future caller can skip the vetting.
        if (!isVettedTransactionUrl(url, core?.linkableNodeUrls() ?? [])) throw new Error(`refused to open ${url}`);
        await shell.openExternal(url, { activate: true });
      },
    },
  });
  const appCore = core;
  cleanups.push(() => appCore.stop());

  // The single-machine default: the emergency service beside the embedded node, serving while this machine's
  // emergency key is the one the pinned authority publishes (docs/EMERGENCY.md, "Operations").
  if (embedded && variant === 'workstation') {
    const node = embedded;
    const ledger = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => node.token });
    const beside = startEmergencyBesideNode({
      ledger,
      authorityId: () => settings.get().values.hospitalAuthority,
      log: (event) => {
        if (event.event === 'refusal' || event.event === 'grant' || event.event === 'serving')
          console.info(`[emergency] ${JSON.stringify(event)}`);
      },
    });
    cleanups.push(async () => {
      await beside.stop();
      ledger.close();
    });
  }

  const partition = partitionFor(variant);
  const ses = session.fromPartition(partition);
  guardSession(ses, { variant, cameraSetting: () => settings.get().values.kioskCamera });
  serveRendererOn(ses, paths.renderer, securityHeaders(variant));

  mainWindow = createMainWindow({ variant, preloadPath: paths.preload, partition, isDevelopment });
  const window = mainWindow;
  window.on('closed', () => {
    mainWindow = null;
  });
  cleanups.push(bindRegistryToIpcMain(ipcMain, appCore.registry, () => mainWindow));
  cleanups.push(
    appCore.events.attach((name, payload) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT_PREFIX + name, payload);
    }),
  );
  installMenu({ variant, isDevelopment, lock: () => appCore.lockAll('manual') });
  cleanups.push(
    startUpdateChecks({
      isPackaged: app.isPackaged,
      updater: electronUpdater.autoUpdater,
      log: (line) => console.log(line),
      feed: {
        key: pinnedUpdateKey(readPackageJson(app.getAppPath())),
        appId: APP_ID[variant],
        config: app.isPackaged ? await readUpdateConfig() : null,
      },
    }),
  );

  if (variant === 'workstation') {
    const autoLock = startAutoLock({
      powerMonitor,
      lock: (reason) => appCore.lockAll(reason),
      idleMinutes: () => settings.get().values.autoLockMinutes,
    });
    powerMonitor.on('resume', autoLock.check);
    cleanups.push(() => autoLock.stop());
  } else {
    // Patients walk away without signing out: the screen locking or the machine sleeping ends the session too.
    const endSession = () => appCore.lockAll('kiosk-idle');
    powerMonitor.on('lock-screen', endSession);
    powerMonitor.on('suspend', endSession);
  }
}

/** app-update.yml through electron-updater's own loader (the file it would use itself), or null. */
async function readUpdateConfig(): Promise<unknown> {
  try {
    // `configOnDisk` is electron-updater's lazily loaded app-update.yml ("public, allow to read old config").
    return await (electronUpdater.autoUpdater as unknown as { configOnDisk: { value: Promise<unknown> } }).configOnDisk
      .value;
  } catch (error) {
    console.error('[updates] cannot read app-update.yml', error);
    return null;
  }
}

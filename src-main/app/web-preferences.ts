// Window shape per build (the security flags themselves are written literally at the one `new BrowserWindow` call in
// window.ts, where reviewers and Electronegativity look for them).
import type { BrowserWindowConstructorOptions } from 'electron';
import type { Variant } from '../../src-shared/ipc';

export function frameOptions(variant: Variant, isDevelopment: boolean): BrowserWindowConstructorOptions {
  if (variant === 'kiosk') {
    // Full screen in Electron's kiosk mode; only a development run can close it from the window manager.
    return {
      title: 'HealthChain — Patient kiosk',
      kiosk: true,
      fullscreen: true,
      frame: false,
      autoHideMenuBar: true,
      closable: isDevelopment,
      minimizable: false,
    };
  }
  return { title: 'HealthChain', width: 1280, height: 820, minWidth: 960, minHeight: 640 };
}

/** Sessions in memory only (no `persist:`): renderer caches, storage and cookies never reach the disk. */
export function partitionFor(variant: Variant): string {
  return variant === 'kiosk' ? 'healthchain-kiosk' : 'healthchain-workstation';
}

// Application menus. The kiosk has none (no way to reach DevTools, reload or quit from the keyboard menu); the
// workstation has the usual editing roles plus "Lock now".
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { Variant } from '../../src-shared/ipc';

export interface MenuInputs {
  variant: Variant;
  isDevelopment: boolean;
  lock: () => void;
}

export function menuTemplate({ variant, isDevelopment, lock }: MenuInputs): MenuItemConstructorOptions[] | null {
  if (variant === 'kiosk') return null;
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (isDevelopment) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });
  return [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Lock now', accelerator: 'CmdOrCtrl+L', click: lock },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}

export function installMenu(inputs: MenuInputs): void {
  const template = menuTemplate(inputs);
  Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
}

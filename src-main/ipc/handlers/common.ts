// Channels both builds register: settings.get, app.status, app.activity.
import type { SettingsService } from '../../settings';
import type { Handler } from '../registry';
import type { StatusPort } from './context';

export function commonHandlers(
  settings: SettingsService,
  status: StatusPort,
): {
  'settings.get': Handler<'settings.get'>;
  'app.status': Handler<'app.status'>;
  'app.activity': Handler<'app.activity'>;
} {
  return {
    'settings.get': async () => settings.get(),
    'app.status': async () => status.status(),
    'app.activity': async () => {
      status.activity();
      return {};
    },
  };
}

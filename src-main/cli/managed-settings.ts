// IT's managed settings as the CLI reads them: once per process, however many settings a command follows (the
// envelope of new charts, list checkpoints), so a refused policy is read and reported once.
import type { ManagedReadResult } from '../settings';
import { err } from './context';

let read: Promise<ManagedReadResult> | null = null;

export function managedSettings(): Promise<ManagedReadResult> {
  read ??= (async () => {
    const { createManagedSettingsReader } = await import('../settings');
    const managed = await createManagedSettingsReader('org.healthchain.workstation').read();
    if (managed.status === 'rejected') err(`healthchain: the managed settings are ignored: ${managed.reason}`);
    return managed;
  })();
  return read;
}

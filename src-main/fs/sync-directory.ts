// Making a rename or unlink itself durable: fsync the directory that holds the entry. Windows cannot open a
// directory for sync (and its rename and delete are durable without it), so there it is a no-op.
import { open } from 'node:fs/promises';

export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

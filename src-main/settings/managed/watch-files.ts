// Change notification for file-based policy stores: watches the directories (a policy file may not exist yet, and
// management tools replace files rather than edit them) and reports changes to the named files, coalesced.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

const SETTLE_MS = 250;

export function watchPolicyFiles(files: readonly string[], onChange: () => void): () => void {
  const names = new Set(files.map((file) => path.basename(file)));
  let timer: NodeJS.Timeout | undefined;
  const changed = (_event: string, name: string | Buffer | null) => {
    if (name !== null && !names.has(String(name))) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
    timer.unref?.();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(files.map((file) => path.dirname(file)))) {
    try {
      const watcher = watch(dir, { persistent: false }, changed);
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // The directory does not exist (nothing is managed yet): the service's periodic re-read still notices a policy.
    }
  }
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}

// IT's managed settings for one CLI process: /etc/healthchain/managed-settings.json (the real path, read by the real
// Linux reader, root-owned as it requires) seen only inside a private mount namespace, where an overlay puts it over
// /etc. Nothing is written to the machine's /etc, so the other CLI processes on it (other tests) see no policy.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The launcher (CliUser's) under which /etc/healthchain/managed-settings.json holds `policy`. */
export function managedPolicyLauncher(base: string, policy: Record<string, unknown>): string[] {
  const upper = join(base, 'upper');
  mkdirSync(join(upper, 'healthchain'), { recursive: true, mode: 0o755 });
  writeFileSync(join(upper, 'healthchain', 'managed-settings.json'), JSON.stringify(policy), { mode: 0o644 });
  // Read-only (two lower layers, no upper): nothing to write, no work folder shared between processes.
  const script = [
    'set -e',
    'mount --make-rprivate /',
    `mount -t overlay overlay -o 'lowerdir=${upper}:/etc' /etc`,
    'exec "$@"',
  ].join('\n');
  return ['unshare', '--mount', 'sh', '-c', script, 'sh'];
}

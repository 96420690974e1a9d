// What the vault says when there is no usable keychain. Each case runs in a child process with its own D-Bus
// environment, so the test session's keychain is never touched.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const tsx = join(here, '../../../node_modules/.bin/tsx');
const probe = join(here, 'fixtures/try-vault.ts');

type Outcome = { name: string; ok: boolean; code?: string; message?: string };

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      resolve(
        stdout
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Outcome),
      );
    });
  });
}

function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of names) delete env[name];
  return env;
}

/** Runs the probe inside a private D-Bus session prepared by `setup` (shell commands). */
async function inPrivateSession(setup: string): Promise<Outcome[]> {
  const home = mkdtempSync(join(tmpdir(), 'hc-keyring-'));
  try {
    const env = { ...envWithout('DBUS_SESSION_BUS_ADDRESS', 'DISPLAY'), HOME: home };
    return await run('dbus-run-session', ['--', 'sh', '-c', `${setup}; exec "$0" "$1"`, tsx, probe], env);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// Concurrent: each case is an independent child process, and starting tsx dominates the time.
describe.concurrent('keychain availability', { timeout: 120_000 }, () => {
  it('says KeychainUnavailable, with what to install or start, when no Secret Service is reachable', async () => {
    const env = { ...envWithout('DISPLAY'), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/hc-no-bus' };
    const outcomes = await run(tsx, [probe], env);
    expect(outcomes.map((o) => [o.name, o.code])).toEqual([
      ['list', 'KeychainUnavailable'],
      ['create', 'KeychainUnavailable'],
      ['unlock', 'KeychainUnavailable'],
    ]);
    expect(outcomes[0]!.message).toMatch(/gnome-keyring/);
    expect(outcomes[0]!.message).toMatch(/Secret Service/);
  });

  it('also without any D-Bus session at all', async () => {
    const outcomes = await run(tsx, [probe], envWithout('DBUS_SESSION_BUS_ADDRESS', 'DISPLAY'));
    expect(outcomes.every((o) => o.code === 'KeychainUnavailable')).toBe(true);
  });

  it('says KeychainLocked when the login keyring is locked (not "no identities")', async () => {
    // dbus-send comes with the dbus package CI installs anyway (gdbus would need libglib2.0-bin).
    const lock =
      'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets ' +
      'org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null';
    const outcomes = await inPrivateSession(
      `echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; ${lock}`,
    );
    expect(outcomes.map((o) => [o.name, o.code])).toEqual([
      ['list', 'KeychainLocked'],
      ['create', 'KeychainLocked'],
      ['unlock', 'KeychainLocked'],
    ]);
    expect(outcomes[0]!.message).toMatch(/locked/);
  });

  it('works in a fresh unlocked session, where an unknown identity is IdentityNotFound', async () => {
    const outcomes = await inPrivateSession(
      'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
    );
    expect(outcomes.map((o) => [o.name, o.ok, o.code])).toEqual([
      ['list', true, undefined],
      ['create', true, undefined],
      ['unlock', false, 'IdentityNotFound'],
    ]);
  });
});

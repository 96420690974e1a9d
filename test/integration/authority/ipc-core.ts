// The set-up the IPC integration tests share: a core built as main.ts builds it (src-main/app/core.ts) over a real
// embedded node, with real settings files (user file and the Linux managed policy), a save dialog that records what
// it was asked to write, and fast scrypt and unlock back-off so a test run stays short. Plus the call/ok/failure
// helpers over the IPC registry, so every test reads answers the same way.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../../src-main/app/core';
import { SettingsService, UserSettingsStore } from '../../../src-main/settings';
import { LinuxManagedSettingsReader } from '../../../src-main/settings/managed';
import { FAST, freshService } from '../vault/helpers';

const quiet = { info: () => undefined, warn: () => undefined };
/** Unlock back-off short enough that a test of a wrong password does not wait. */
export const FAST_ATTEMPTS = { freeFailures: 5, baseDelayMs: 10, maxDelayMs: 20 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the contract; tests read fields freely
export type Loose = any;
export type Answer =
  { ok: true; value: Loose } | { ok: false; error: { code: string; message: string; fields?: Record<string, string> } };
export type SavedFile = { name: string; content: string };

export const callOn = (core: Core, name: string, req: unknown) => core.registry.dispatch(name, req) as Promise<Answer>;

/** The answer's value; a refusal throws with its code and message so the test says what went wrong. */
export async function okOn(core: Core, name: string, req: unknown = {}): Promise<Loose> {
  const answer = await callOn(core, name, req);
  if (!answer.ok) throw new Error(`${name}: ${answer.error.code} ${answer.error.message}`);
  return answer.value;
}

/** The refusal's error; an answer that succeeds throws. */
export async function failureOn(
  core: Core,
  name: string,
  req: unknown,
): Promise<Extract<Answer, { ok: false }>['error']> {
  const answer = await callOn(core, name, req);
  if (answer.ok) throw new Error(`${name} was expected to fail`);
  return answer.error;
}

/** call/ok/failure on the core `current()` returns when called (tests assign their core in beforeAll). */
export function ipcCalls(current: () => Core) {
  return {
    call: (name: string, req: unknown) => callOn(current(), name, req),
    ok: (name: string, req: unknown = {}) => okOn(current(), name, req),
    failure: (name: string, req: unknown) => failureOn(current(), name, req),
  };
}

export interface TestCoreOptions {
  /** The embedded node the core talks to. */
  node: { url: string };
  /** This core's own folder: settings/, etc/ (the managed policy) and data/ go below it. */
  dir: string;
  /** The officer keychain: service name; scrypt parameters and back-off default to the fast ones. */
  officers: { service: string } & Partial<NonNullable<CoreOptions['officers']>>;
  emergencyKeychainService?: string;
  /** A managed policy IT wrote (managed-settings.json); none when absent. */
  policy?: unknown;
  /** Where the save dialog records what it wrote; several cores may share one list. */
  saved?: SavedFile[];
  /** The doctors' keychain service: a fresh one unless a restarted app must find the same vault. */
  vaultService?: string;
  /** Added to the chart service's test options (no live stream, no verify workers). */
  chartService?: CoreOptions['chartService'];
}

export interface TestCore {
  core: Core;
  /** What the save dialog (the shell port) was asked to write. */
  saved: SavedFile[];
  /** The user settings file (absent until something is saved). */
  settingsFile: string;
}

export async function startTestCore(options: TestCoreOptions): Promise<TestCore> {
  const { dir } = options;
  await mkdir(path.join(dir, 'settings'), { recursive: true });
  const policyDir = path.join(dir, 'etc');
  await mkdir(policyDir, { recursive: true, mode: 0o755 });
  await chmod(policyDir, 0o755);
  const policyFile = path.join(policyDir, 'managed-settings.json');
  if (options.policy !== undefined) {
    await writeFile(policyFile, JSON.stringify(options.policy));
    await chmod(policyFile, 0o644);
  }
  const settingsFile = path.join(dir, 'settings', 'settings.json');
  const settings = await SettingsService.open({
    userStore: new UserSettingsStore(settingsFile, quiet),
    managedReader: new LinuxManagedSettingsReader({ path: policyFile, trustedUid: process.getuid?.() ?? 0 }),
    logger: quiet,
  });
  const saved = options.saved ?? [];
  const core = await createCore({
    variant: 'workstation',
    dataDir: path.join(dir, 'data'),
    settings,
    embeddedNodeUrl: options.node.url,
    appVersion: 'test',
    shell: {
      saveFile: async (name, content) => {
        saved.push({ name, content });
        return `/saved/${name}`;
      },
      openExternal: async () => undefined,
    },
    vault: {
      service: options.vaultService ?? freshService(),
      entryParams: FAST,
      backupParams: FAST,
      attempts: FAST_ATTEMPTS,
    },
    officers: { params: FAST, attempts: FAST_ATTEMPTS, ...options.officers },
    ...(options.emergencyKeychainService ? { emergencyKeychainService: options.emergencyKeychainService } : {}),
    chartService: { liveStream: false, verifyWorkers: 0, ...options.chartService },
    logError: () => undefined,
  });
  return { core, saved, settingsFile };
}

// The kiosk as main.ts builds it, for the tests that sign in with a patient card: the real embedded node (with its
// bearer token), real settings files (the user file and the Linux managed policy, which `pin` rewrites as IT would),
// the patient-card key in the keychain, fast scrypt.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createCore, type Core } from '../../../src-main/app/core';
import { SettingsService, UserSettingsStore } from '../../../src-main/settings';
import { LinuxManagedSettingsReader } from '../../../src-main/settings/managed';
import { KeychainCardKey } from '../../../src-main/vault';
import { CARD_KEY_SERVICE, FAST, NODE_TOKEN } from './harness';

const quiet = { info: () => undefined, warn: () => undefined };

export interface KioskCore {
  core: Core;
  /** Pins (or, with '', unpins) the hospital authority in the managed policy and reloads it. */
  pin(authority: string): Promise<void>;
}

export async function startKioskCore(options: {
  dir: string;
  nodeUrl: string;
  vaultService: string;
}): Promise<KioskCore> {
  const { dir } = options;
  await mkdir(path.join(dir, 'etc'), { mode: 0o755 });
  await chmod(path.join(dir, 'etc'), 0o755);
  const policyFile = path.join(dir, 'etc', 'managed-settings.json');
  const writePolicy = async (policy: object) => {
    await writeFile(policyFile, JSON.stringify(policy));
    await chmod(policyFile, 0o644);
  };
  await writePolicy({});
  const settings = await SettingsService.open({
    userStore: new UserSettingsStore(path.join(dir, 'settings.json'), quiet),
    managedReader: new LinuxManagedSettingsReader({ path: policyFile, trustedUid: process.getuid?.() ?? 0 }),
    logger: quiet,
  });
  const core = await createCore({
    variant: 'kiosk',
    dataDir: path.join(dir, 'kiosk'),
    settings,
    embeddedNodeUrl: options.nodeUrl,
    embeddedNodeToken: NODE_TOKEN,
    appVersion: 'test',
    shell: { saveFile: async () => null, openExternal: async () => undefined },
    vault: { service: options.vaultService, entryParams: FAST, backupParams: FAST },
    cards: { params: FAST, cardKey: new KeychainCardKey({ service: CARD_KEY_SERVICE }) },
    chartService: { verifyWorkers: 0 },
    logError: () => undefined,
  });
  return {
    core,
    async pin(authority) {
      await writePolicy(authority ? { hospitalAuthority: authority } : {});
      await settings.refreshManaged();
      const pinned = settings.get().values.hospitalAuthority;
      if (pinned !== authority) throw new Error(`The kiosk's settings did not take the pin: ${String(pinned)}`);
    },
  };
}

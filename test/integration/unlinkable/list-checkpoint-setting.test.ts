// The `listCheckpoints` setting (issue #15) wired to the chart service as the app wires it
// (src-main/app/list-checkpoint-setting.ts, used by core.ts): the real settings service over a real user file and the
// real Linux managed-settings reader on a policy file, the real embedded node over HTTP, doctors from the real vault on
// the real keychain (run in a D-Bus session with gnome-keyring) and a real 2-of-3 hospital authority. The checkpoint
// policy is the default except minCharts 3, so a list of Ada's three v3 charts is long enough to write one.
//
// IT pins the setting off: a list writes no checkpoint and the user cannot turn it back on. IT lifts the pin: the same
// running workstation writes one at its next list (the control: the list was long enough). A new workstation then
// lists from it without fetching a chart, until IT turns checkpoints off again: from its next list it verifies every
// chart itself, as does any new workstation with the setting off.
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpointSetting } from '../../../src-main/app/list-checkpoint-setting';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { ChartService } from '../../../src-main/records/chart-service';
import type { ChartServiceOptions } from '../../../src-main/records/chart-parts';
import { findNewestCheckpoint } from '../../../src-main/records/checkpoint/checkpoint-store';
import { decodeCheckpoint } from '../../../src-main/records/checkpoint/list-checkpoint';
import { SettingsError, SettingsService, UserSettingsStore } from '../../../src-main/settings';
import { LinuxManagedSettingsReader } from '../../../src-main/settings/managed';
import { newSeed } from '../../../src-shared/crypto/keys';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, PIN, TestVault, removeDir, startNode, tempDir, type Doctor } from '../charts/harness';
import { credentialDoctor, foundAuthority } from '../authority/hospital-setup';
import { checkpointWorkstation } from './checkpoint-workstation';

const officers = [0, 1, 2].map(() => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto));
const quiet = { info: () => undefined, warn: () => undefined };

describe('the listCheckpoints setting', { timeout: 240_000 }, () => {
  const dataDir = tempDir('list-checkpoint-setting');
  const vault = new TestVault();
  const dirs: string[] = [];
  const opened: ChartService[] = [];
  let node: LedgerNode | null = null;
  let client: LedgerNodeClient;
  let authorityId = '';
  let ada: Doctor;
  const charts: string[] = [];
  let policyFile = '';

  /** Writes IT's managed-settings.json (undefined: removes it). */
  const policy = async (value: unknown) => {
    if (value === undefined) await rm(policyFile, { force: true });
    else {
      await writeFile(policyFile, JSON.stringify(value));
      await chmod(policyFile, 0o644);
    }
  };
  const openSettings = async () => {
    const dir = tempDir('list-checkpoint-setting-user');
    dirs.push(dir);
    return SettingsService.open({
      userStore: new UserSettingsStore(path.join(dir, 'settings.json'), quiet),
      managedReader: new LinuxManagedSettingsReader({ path: policyFile, trustedUid: process.getuid?.() ?? 0 }),
      logger: quiet,
    });
  };
  const workstation = (options: Partial<ChartServiceOptions>) =>
    checkpointWorkstation(node!.url, () => authorityId, options, { dirs, opened });
  /** A workstation whose chart service follows `settings` as the app's core wires it. */
  const following = (settings: SettingsService) =>
    workstation({ listCheckpoint: listCheckpointSetting(settings, { minCharts: 3 }) });
  const newestCheckpoint = async () => (await findNewestCheckpoint(client, ada.holder)).newest;

  beforeAll(async () => {
    const etc = tempDir('list-checkpoint-setting-etc');
    dirs.push(etc);
    await mkdir(etc, { recursive: true, mode: 0o755 });
    await chmod(etc, 0o755);
    policyFile = path.join(etc, 'managed-settings.json');
    node = await startNode(dataDir);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    authorityId = await foundAuthority(client, 'St Setting', 2, officers);
    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    await credentialDoctor(client, new CredentialRegistry(client, authorityId), ada, officers.slice(0, 2));
    const writer = await workstation({ listCheckpoint: false });
    for (const name of ['Amelia Hartley', 'Bruno Castillo', 'Chiara Rossi'])
      charts.push((await writer.service.create(ada.holder, sampleChart(name), { pin: PIN })).chartId);
  });

  afterAll(async () => {
    for (const s of opened) await s.close();
    client?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
    for (const dir of dirs) removeDir(dir);
  });

  it('pinned off by IT: a long enough list writes none and the user cannot turn it on; lifted: the next list writes one', async () => {
    await policy({ listCheckpoints: false });
    const settings = await openSettings();
    expect(settings.get().values.listCheckpoints).toBe(false);
    expect(settings.get().locked).toContain('listCheckpoints');
    await expect(settings.setUser({ listCheckpoints: true })).rejects.toBeInstanceOf(SettingsError);
    expect(settings.get().values.listCheckpoints).toBe(false);

    const ws = await following(settings);
    expect((await ws.service.list(ada.holder)).map((s) => s.chartId).sort()).toEqual([...charts].sort());
    await ws.service.checkpointsWritten();
    expect(await newestCheckpoint()).toBeNull();

    // The control, on the same running workstation: without the pin the same list writes her checkpoint.
    await policy(undefined);
    expect(await settings.refreshManaged()).toBe(true);
    expect(settings.get().values.listCheckpoints).toBe(true);
    await ws.service.list(ada.holder);
    await ws.service.checkpointsWritten();
    const newest = await newestCheckpoint();
    expect(newest).not.toBeNull();
    expect(
      decodeCheckpoint(newest!.payload)
        .entries.map((e) => e.chartId)
        .sort(),
    ).toEqual([...charts].sort());
  });

  it('off: a new workstation reads none, and a running one stops reading it at its next list', async () => {
    expect(await newestCheckpoint()).not.toBeNull(); // written by the test above

    // The user's own setting off (no policy): a new workstation verifies every chart itself.
    const own = await openSettings();
    await own.setUser({ listCheckpoints: false });
    const without = await following(own);
    expect(await without.service.list(ada.holder)).toHaveLength(charts.length);
    expect(without.fetched(charts).sort()).toEqual([...charts].sort());

    // On: a new workstation lists from the checkpoint, fetching no chart.
    const settings = await openSettings();
    expect(settings.get().values.listCheckpoints).toBe(true);
    const fresh = await following(settings);
    const listed = await fresh.service.list(ada.holder);
    expect(listed.map((s) => s.chartId).sort()).toEqual([...charts].sort());
    expect(listed.every((s) => s.integrity === 'verified')).toBe(true);
    expect(fresh.fetched(charts)).toEqual([]);

    // IT turns checkpoints off while it runs: its next list verifies every chart, the checkpoint no longer standing in.
    await policy({ listCheckpoints: false });
    expect(await settings.refreshManaged()).toBe(true);
    const relisted = await fresh.service.list(ada.holder);
    expect(relisted.map((s) => s.chartId).sort()).toEqual([...charts].sort());
    expect(relisted.every((s) => s.integrity === 'verified')).toBe(true);
    expect(fresh.fetched(charts).sort()).toEqual([...charts].sort());
    await policy(undefined);
  });
});

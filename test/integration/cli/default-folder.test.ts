// The CLI's default ledger folder is the app's (<userData>/ledger), one node per folder: a ledger left in the CLI's
// former Linux folder is moved there once, and said; while the app's node holds the folder the CLI says so rather
// than open it beside it. The real CLI bundle in child processes, the real keychain, real node processes.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnLedgerNode } from '../../../src-main/ledger-node/spawn';
import { APP_PROGRAM } from '../../../src-main/ledger-node/store/folder-lock';
import { removeDir, tempDir } from '../charts/harness';
import { buildCli, cliUsers } from './cli-run';

const create = ['identity', 'create', '--name', 'Dr Ada Okafor', '--specialty', 'GP', '--licence', 'L-9', '--json'];

/** A user whose app folders (XDG_CONFIG_HOME: the app's userData; XDG_DATA_HOME: the CLI's former) are fresh. */
function homeFolders(work: string, label: string) {
  const config = join(work, label, 'config.d');
  const data = join(work, label, 'data.d');
  mkdirSync(config, { recursive: true });
  mkdirSync(data, { recursive: true });
  return {
    env: { XDG_CONFIG_HOME: config, XDG_DATA_HOME: data, HC_LEDGER_TOKEN: '' },
    app: join(config, 'HealthChain', 'ledger'),
    former: join(data, 'HealthChain', 'ledger'),
  };
}

function snapshot(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .map((name) => `${name} ${statSync(join(folder, name)).size} ${statSync(join(folder, name)).mtimeMs}`);
}

describe('command line: the default ledger folder is the app’s', { timeout: 600_000 }, () => {
  const work = tempDir('cli-folder');
  const { user, cleanAll } = cliUsers();

  beforeAll(buildCli);

  afterAll(async () => {
    await cleanAll();
    removeDir(work);
  });

  it('without --node or --data: uses the app’s ledger folder and says so', async () => {
    const home = homeFolders(work, 'fresh');
    const ada = user(home.env);
    const created = await ada.cli(...create);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`data in ${home.app} `);
    expect(existsSync(join(home.app, 'data.mdb'))).toBe(true);
    expect(existsSync(home.former)).toBe(false);
    // The node's lock is gone with the command.
    expect(existsSync(join(home.app, 'node.lock'))).toBe(false);
  });

  it('moves a ledger from the CLI’s former folder into the app’s once, with its outbox, and says so', async () => {
    const home = homeFolders(work, 'former');
    const ada = user(home.env);
    const created = await ada.cli(...create, '--data', home.former);
    expect(created.code).toBe(0);
    const signKey = (JSON.parse(created.stdout) as { identity: { signKey: string } }).identity.signKey;
    expect(existsSync(join(home.former, 'data.mdb'))).toBe(true);
    const formerOutbox = join(dirname(home.former), 'outbox');
    expect(existsSync(formerOutbox)).toBe(true);

    const found = await ada.cli('practitioners', 'Okafor', '--json');
    expect(found.code).toBe(0);
    expect(found.stderr).toContain(
      `moved the CLI's ledger from ${home.former} to the app's folder ${home.app}, which the app and the CLI now share`,
    );
    expect(JSON.parse(found.stdout)).toMatchObject([{ signKey, name: 'Dr Ada Okafor' }]);
    expect(existsSync(join(home.app, 'data.mdb'))).toBe(true);
    expect(existsSync(home.former)).toBe(false);
    expect(found.stderr).toContain(`(with ${join(dirname(home.app), 'outbox')})`);
    expect(existsSync(formerOutbox)).toBe(false);

    const again = await ada.cli('list');
    expect(again).toMatchObject({ code: 0, stdout: 'No charts.\n' });
    expect(again.stderr).not.toContain('moved');
    expect(again.stderr).toContain(`data in ${home.app} `);
  });

  it('leaves the former ledger where it is, named, when the app’s folder has its own', async () => {
    const home = homeFolders(work, 'both');
    const ada = user(home.env);
    expect((await ada.cli(...create, '--data', home.former)).code).toBe(0);
    expect((await ada.cli('list', '--data', home.app)).code).toBe(0);
    const before = snapshot(home.former);
    const listed = await ada.cli('list');
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain(`${home.former} (the CLI's folder before it used the app's) also holds a ledger`);
    expect(listed.stderr).toContain(`pass --data ${home.former} to read it`);
    expect(snapshot(home.former)).toEqual(before);
  });

  it('while the app’s node holds the folder: exit 1, says HealthChain is running and where, changes nothing', async () => {
    const home = homeFolders(work, 'app-running');
    // The app's node as the app starts it (process-entry.ts, told it is the app's), forked by Node: no Electron here.
    const app = await spawnLedgerNode({ dataDir: home.app, program: APP_PROGRAM });
    try {
      const before = snapshot(home.app);
      const ada = user(home.env);
      const refused = await ada.cli('practitioners', 'Okafor');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `healthchain: HealthChain is running (pid ${app.child.pid}) and uses ${home.app}; pass --node <url>`,
      );
      expect(refused.stdout).toBe('');
      // The hospital commands choose their node the same way.
      const hospital = await ada.cli('hospital', 'credentials');
      expect(hospital.code).toBe(1);
      expect(hospital.stderr).toContain(`HealthChain is running (pid ${app.child.pid}) and uses ${home.app}`);
      expect(snapshot(home.app)).toEqual(before);
    } finally {
      await app.stop();
    }
  });

  it('while another node (npm run ledger, an older CLI) holds the folder: names it', async () => {
    const home = homeFolders(work, 'other-node');
    const other = await spawnLedgerNode({ dataDir: home.app, program: 'npm run ledger' });
    try {
      const refused = await user(home.env).cli('practitioners', 'Okafor');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `the ledger folder ${home.app} is in use by npm run ledger (pid ${other.child.pid}); only one ledger node may use a folder at a time`,
      );
    } finally {
      await other.stop();
    }
  });
});

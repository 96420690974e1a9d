// docker/scripts/: the operation scripts run for real, with a stand-in for the docker CLI (Docker cannot run here).
// The stand-in records every call and answers from small state files, so each test asserts the exact commands a
// script gives Docker, in order, and what it refuses to do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dockerDir = path.join(process.cwd(), 'docker');
const scripts = path.join(dockerDir, 'scripts');

// Stand-in for the docker CLI. State files in $STUB_STATE:
//   services            what `compose config --services` prints
//   inspect-<id>        what `inspect -f … <id>` prints ("running healthy 2026-12-04T10:00:00.123Z")
//   absent-<service>    `compose ps -q <service>` prints nothing
//   fail-<word>         a call containing <word> fails (exit 1)
//   tmhome              a directory that stands for the service's /tendermint when a shell script runs in it
// `compose restart <s>` marks the container of <s> running, healthy (unhealthy with stays-unhealthy) and started now. `compose run … tar -czf
// /backup/<f>` writes <f> into the directory mounted on /backup. `compose run … --entrypoint /bin/sh <s> -c <script>`
// runs <script> here with /tendermint and /incoming/genesis.json mapped to the stand-in paths.
const STAND_IN_DOCKER = `#!/bin/sh
{ printf '%s' "$*" | tr '\\n' ' '; printf '\\n'; } >> "$STUB_LOG"
for word in "$@"; do [ -f "$STUB_STATE/fail-$word" ] && { echo "stand-in docker: $word failed" >&2; exit 1; }; done
[ "$1" = inspect ] && { cat "$STUB_STATE/inspect-$4"; exit 0; }
[ "$1" = compose ] || { echo "stand-in docker: unexpected $*" >&2; exit 2; }
shift
case "$1" in
  config) cat "$STUB_STATE/services" ;;
  ps) [ -f "$STUB_STATE/absent-$3" ] || echo "id-$3" ;;
  restart) health=healthy; [ -f "$STUB_STATE/stays-unhealthy" ] && health=unhealthy
           printf 'running %s %s\\n' "$health" "$(date -u +%Y-%m-%dT%H:%M:%S.5Z)" > "$STUB_STATE/inspect-id-$2" ;;
  exec) case "$*" in *mongodump*) printf 'MONGODUMP-ARCHIVE' ;; *) echo '{ "dropped" : "bigchain", "ok" : 1 }' ;; esac ;;
  run)
    shift
    backup=""; peers=""; genesis=""
    while [ $# -gt 0 ]; do
      case "$1" in
        -v) case "$2" in *:/backup) backup="\${2%:/backup}" ;; *:/incoming/genesis.json:ro) genesis="\${2%%:*}" ;; esac; shift 2 ;;
        -e) case "$2" in TM_PEERS=*) peers="\${2#TM_PEERS=}" ;; esac; shift 2 ;;
        -czf) printf 'TAR' > "$backup/\${2#/backup/}"; shift 2 ;;
        -c) script=$(printf '%s' "$2" | sed -e "s#/incoming/genesis.json#$genesis#g" -e "s#/tendermint#$STUB_STATE/tmhome#g")
            TM_PEERS="$peers" sh -c "$script" || exit 1; shift 2 ;;
        *) shift ;;
      esac
    done ;;
  *) ;;
esac
exit 0
`;

let work: string;
let state: string;
let log: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'hc-docker-scripts-'));
  state = path.join(work, 'state');
  log = path.join(work, 'docker-calls.log');
  const bin = path.join(work, 'bin');
  await mkdir(bin);
  await mkdir(state);
  await writeFile(path.join(bin, 'docker'), STAND_IN_DOCKER);
  await chmod(path.join(bin, 'docker'), 0o755);
  await writeFile(log, '');
  // Copies of the layouts, so backups land in the temporary directory.
  for (const layout of ['single-node', 'network'])
    await cp(path.join(dockerDir, layout), path.join(work, layout), { recursive: true });
  env = {
    PATH: `${bin}:${process.env.PATH}`,
    STUB_LOG: log,
    STUB_STATE: state,
    HC_WATCHDOG_WAIT_SECONDS: '2',
    HC_WATCHDOG_POLL_SECONDS: '1',
  };
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const calls = async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean);
const script = (name: string, ...args: string[]) => run('sh', [path.join(scripts, name), ...args], { env, cwd: work });
const failure = (name: string, ...args: string[]) =>
  script(name, ...args).then(
    () => {
      throw new Error(`${name} should have failed`);
    },
    (e: { code: number; stderr: string }) => e,
  );
const inspect = (service: string, text: string) => writeFile(path.join(state, `inspect-id-${service}`), `${text}\n`);

describe('watchdog.sh', () => {
  beforeEach(async () => {
    await writeFile(
      path.join(state, 'services'),
      'network-setup\nmongodb-1\nbigchaindb-1\ntendermint-1\nmongodb-2\nbigchaindb-2\ntendermint-2\n',
    );
    for (const n of [1, 2]) {
      await inspect(`bigchaindb-${n}`, 'running healthy 2026-12-04T10:00:00.123456789Z');
      await inspect(`tendermint-${n}`, 'running healthy 2026-12-04T10:00:30.5Z');
    }
  });
  const restarts = async () => (await calls()).filter((c) => c.startsWith('compose restart'));

  it('leaves healthy pairs alone', async () => {
    await script('watchdog.sh', path.join(work, 'network'));
    expect(await restarts()).toEqual([]);
    expect(await calls()).toContain('compose config --services');
  });

  it('restarts Tendermint when its BigchainDB was restarted after it (Docker restarted a crashed BigchainDB)', async () => {
    await inspect('bigchaindb-2', 'running healthy 2026-12-04T11:15:00.1Z');
    const { stdout } = await script('watchdog.sh', path.join(work, 'network'));
    expect(await restarts()).toEqual(['compose restart tendermint-2']);
    expect(stdout).toMatch(/bigchaindb-2 restarted after tendermint-2 started: restarting tendermint-2/);
  });

  it('compares start times to the second, not as text (Docker trims trailing zeros of the fraction)', async () => {
    await inspect('bigchaindb-1', 'running healthy 2026-12-04T10:00:30.1234Z');
    await inspect('tendermint-1', 'running healthy 2026-12-04T10:00:30.12345Z');
    await script('watchdog.sh', path.join(work, 'network'));
    expect(await restarts()).toEqual([]);
  });

  it('restarts an unhealthy Tendermint (dead ABCI connection)', async () => {
    await inspect('tendermint-1', 'running unhealthy 2026-12-04T10:00:30.5Z');
    await script('watchdog.sh', path.join(work, 'network'));
    expect(await restarts()).toEqual(['compose restart tendermint-1']);
  });

  it('restarts an unhealthy BigchainDB, waits for it to be healthy, then restarts its Tendermint', async () => {
    await inspect('bigchaindb-2', 'running unhealthy 2026-12-04T10:00:00Z');
    await script('watchdog.sh', path.join(work, 'network'));
    const all = await calls();
    expect(await restarts()).toEqual(['compose restart bigchaindb-2', 'compose restart tendermint-2']);
    const first = all.indexOf('compose restart bigchaindb-2');
    expect(all.slice(first + 1, all.indexOf('compose restart tendermint-2'))).toEqual([
      'compose ps -q bigchaindb-2',
      'inspect -f {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.StartedAt}} id-bigchaindb-2',
    ]);
  });

  it('does not restart Tendermint while its BigchainDB stays unhealthy, and exits 1', async () => {
    await inspect('bigchaindb-1', 'running unhealthy 2026-12-04T10:00:00Z');
    await writeFile(path.join(state, 'stays-unhealthy'), '');
    const e = await failure('watchdog.sh', path.join(work, 'network'));
    expect(e.code).toBe(1);
    expect(await restarts()).toEqual(['compose restart bigchaindb-1']);
    expect((e as unknown as { stdout: string }).stdout).toMatch(
      /bigchaindb-1 is not healthy after 2s: tendermint-1 not restarted/,
    );
  });

  it('leaves a pair alone when a container is stopped or absent', async () => {
    await inspect('bigchaindb-1', 'exited unhealthy 2026-12-04T11:00:00Z');
    await writeFile(path.join(state, 'absent-tendermint-2'), '');
    const { stdout } = await script('watchdog.sh', path.join(work, 'network'));
    expect(await restarts()).toEqual([]);
    expect(stdout).toMatch(/bigchaindb-1 is exited, tendermint-1 is running: not running, left alone/);
    expect(stdout).toMatch(/bigchaindb-2 is running, tendermint-2 is absent/);
  });

  it('fails loudly when Compose cannot read the layout (e.g. no .env), instead of checking nothing', async () => {
    await writeFile(path.join(state, 'fail-config'), '');
    const e = await failure('watchdog.sh', path.join(work, 'network'));
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/'docker compose config' failed in .*network \(is its \.env there\?\)/);
    expect(await restarts()).toEqual([]);
  });

  it('works on the single-node layout (pair bigchaindb/tendermint)', async () => {
    await writeFile(path.join(state, 'services'), 'mongodb\nbigchaindb\ntendermint\n');
    await inspect('bigchaindb', 'running healthy 2026-12-04T10:00:00Z');
    await inspect('tendermint', 'running unhealthy 2026-12-04T10:00:30Z');
    await script('watchdog.sh', path.join(work, 'single-node'));
    expect(await restarts()).toEqual(['compose restart tendermint']);
  });
});

describe('rebuild-node.sh', () => {
  it('refuses without --yes, a missing --node in the network layout, or an unknown node, and calls no docker', async () => {
    expect((await failure('rebuild-node.sh', path.join(work, 'network'), '--node', '3')).stderr).toMatch(
      /run again with --yes/,
    );
    expect((await failure('rebuild-node.sh', path.join(work, 'network'), '--yes')).stderr).toMatch(
      /choose one with --node N/,
    );
    expect((await failure('rebuild-node.sh', path.join(work, 'network'), '--node', '7', '--yes')).stderr).toMatch(
      /no service tendermint-7/,
    );
    expect((await failure('rebuild-node.sh', path.join(work, 'network'), '--node', '1;rm', '--yes')).stderr).toMatch(
      /--node must be a node number/,
    );
    expect(await calls()).toEqual([]);
  });

  it('stops the pair, resets Tendermint with unsafe_reset_all, drops the bigchain database, starts the pair', async () => {
    await script('rebuild-node.sh', path.join(work, 'network'), '--node', '3', '--yes');
    expect(await calls()).toEqual([
      'compose stop bigchaindb-3 tendermint-3',
      'compose run --rm --no-deps --entrypoint tendermint tendermint-3 unsafe_reset_all --home /tendermint',
      'compose up -d --wait mongodb-3',
      'compose exec -T mongodb-3 mongo --quiet bigchain --eval printjson(db.dropDatabase())',
      'compose up -d bigchaindb-3 tendermint-3',
    ]);
  });

  it('stops at the first failing step (nothing is dropped when the reset fails)', async () => {
    await writeFile(path.join(state, 'fail-unsafe_reset_all'), '');
    await failure('rebuild-node.sh', path.join(work, 'single-node'), '--yes');
    expect((await calls()).at(-1)).toBe(
      'compose run --rm --no-deps --entrypoint tendermint tendermint unsafe_reset_all --home /tendermint',
    );
  });
});

describe('join-network.sh', () => {
  const id = (c: string) => c.repeat(40);
  const peers = `${id('a')}@10.0.0.11:26656,${id('b')}@ledger3.hospital.example:26656`;
  let genesis: string;
  beforeEach(async () => {
    genesis = path.join(work, 'genesis.json');
    await writeFile(
      genesis,
      '{"genesis_time":"2026-12-04T10:00:00.000000000Z","chain_id":"hospital-net","validators":[{"power":"10"}],"app_hash":""}\n',
    );
    const home = path.join(state, 'tmhome', 'config');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'genesis.json'), '{"chain_id":"test-chain-own"}\n');
    await writeFile(
      path.join(home, 'config.toml'),
      [
        'moniker = "healthchain-node"',
        'persistent_peers = ""',
        'addr_book_strict = true',
        'send_rate = 5120000',
        'recv_rate = 5120000',
        'recheck = true',
        'create_empty_blocks = true',
        '',
      ].join('\n'),
    );
  });

  it('checks genesis and peers before touching anything', async () => {
    const dir = path.join(work, 'single-node');
    expect((await failure('join-network.sh', dir, '--peers', peers, '--yes')).stderr).toMatch(
      /--genesis: give the network's genesis.json/,
    );
    await writeFile(path.join(work, 'bad.json'), '{"foo":1}');
    expect(
      (await failure('join-network.sh', dir, '--genesis', path.join(work, 'bad.json'), '--peers', peers, '--yes'))
        .stderr,
    ).toMatch(/not a Tendermint genesis/);
    expect((await failure('join-network.sh', dir, '--genesis', genesis, '--yes')).stderr).toMatch(
      /--peers: give the other nodes/,
    );
    expect(
      (await failure('join-network.sh', dir, '--genesis', genesis, '--peers', 'abc@10.0.0.1:26656', '--yes')).stderr,
    ).toMatch(/node id must be 40 hex digits/);
    expect(
      (await failure('join-network.sh', dir, '--genesis', genesis, '--peers', `${id('a')}@10.0.0.1`, '--yes')).stderr,
    ).toMatch(/is not <node id>@<host>:<port>/);
    expect((await failure('join-network.sh', dir, '--genesis', genesis, '--peers', peers)).stderr).toMatch(
      /run again with --yes/,
    );
    expect(await calls()).toEqual([]);
  });

  it("resets the node, installs the network genesis and peers with BigchainDB's settings, drops the old ledger, starts", async () => {
    await script('join-network.sh', path.join(work, 'single-node'), '--genesis', genesis, '--peers', peers, '--yes');
    const all = await calls();
    expect(all.map((c) => c.split(' -c ')[0])).toEqual([
      'compose stop bigchaindb tendermint',
      'compose run --rm --no-deps --entrypoint tendermint tendermint unsafe_reset_all --home /tendermint',
      `compose run --rm --no-deps --user 0 -e TM_PEERS=${peers} -v ${genesis}:/incoming/genesis.json:ro --entrypoint /bin/sh tendermint`,
      'compose up -d --wait mongodb',
      'compose exec -T mongodb mongo --quiet bigchain --eval printjson(db.dropDatabase())',
      'compose up -d bigchaindb tendermint',
    ]);
    const home = path.join(state, 'tmhome', 'config');
    expect(await readFile(path.join(home, 'genesis.json'), 'utf8')).toBe(await readFile(genesis, 'utf8'));
    const config = await readFile(path.join(home, 'config.toml'), 'utf8');
    expect(config).toMatch(new RegExp(`^persistent_peers = "${peers}"$`, 'm'));
    for (const line of [
      'create_empty_blocks = false',
      'recheck = false',
      'send_rate = 102400000',
      'recv_rate = 102400000',
      'addr_book_strict = false',
      'moniker = "healthchain-node"',
    ]) {
      expect(config.split('\n')).toContain(line);
    }
  });

  it('prints the validator public key and node id for the coordinator, changing nothing', async () => {
    await script('join-network.sh', path.join(work, 'single-node'), '--show-identity');
    expect(await calls()).toEqual([
      'compose run --rm --no-deps --entrypoint tendermint tendermint init --home /tendermint',
      'compose run --rm --no-deps --entrypoint tendermint tendermint show_validator --home /tendermint',
      'compose run --rm --no-deps --entrypoint tendermint tendermint show_node_id --home /tendermint',
    ]);
  });
});

describe('backup.sh', () => {
  it('creates backup/, stops Tendermint, dumps MongoDB, archives the Tendermint home, starts Tendermint', async () => {
    await script('backup.sh', path.join(work, 'single-node'));
    const out = path.join(work, 'single-node', 'backup');
    expect((await stat(out)).mode & 0o777).toBe(0o700);
    const files = (await readdir(out)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\d{8}T\d{6}Z-mongodb\.archive\.gz$/);
    expect(files[1]).toMatch(/^\d{8}T\d{6}Z-tendermint\.tar\.gz$/);
    expect(await readFile(path.join(out, files[0]!), 'utf8')).toBe('MONGODUMP-ARCHIVE');
    for (const f of files) expect((await stat(path.join(out, f))).mode & 0o777).toBe(0o600);
    expect(await calls()).toEqual([
      'compose stop tendermint',
      'compose exec -T mongodb mongodump --archive --gzip',
      `compose run --rm --no-deps --user 0 -v ${out}:/backup --entrypoint tar tendermint -czf /backup/${files[1]} -C /tendermint .`,
      'compose start tendermint',
    ]);
  });

  it('backs up the four network nodes one at a time (three keep the ledger running) into --out', async () => {
    const out = path.join(work, 'elsewhere');
    await script('backup.sh', path.join(work, 'network'), '--node', 'all', '--out', out);
    expect(await readdir(out)).toHaveLength(8);
    const order = (await calls()).filter((c) => /^compose (stop|start) /.test(c));
    expect(order).toEqual(
      [1, 2, 3, 4].flatMap((n) => [`compose stop tendermint-${n}`, `compose start tendermint-${n}`]),
    );
  });

  it('starts Tendermint again when the dump fails, and fails', async () => {
    await writeFile(path.join(state, 'fail-mongodump'), '');
    const e = await failure('backup.sh', path.join(work, 'single-node'));
    expect(e.code).not.toBe(0);
    expect((await calls()).at(-1)).toBe('start tendermint'.replace(/^/, 'compose '));
  });

  it('refuses --node all on the single-node layout', async () => {
    expect((await failure('backup.sh', path.join(work, 'single-node'), '--node', 'all')).stderr).toMatch(
      /this layout has a single node/,
    );
    expect(await calls()).toEqual([]);
  });
});

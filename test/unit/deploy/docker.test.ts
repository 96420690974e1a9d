// docker/: the real BigchainDB reference (cannot run here), checked for structure, and the network setup script
// run for real with a stand-in for the tendermint CLI.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';

const run = promisify(execFile);
const dockerDir = path.join(process.cwd(), 'docker');

interface Service {
  image: string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const load = (file: string): Compose => yaml.load(readFileSync(path.join(dockerDir, file), 'utf8')) as Compose;
const COMPOSE_FILES = ['single-node/docker-compose.yml', 'network/docker-compose.yml'];

const byImage = (compose: Compose, prefix: string) => Object.entries(compose.services).filter(([, s]) => s.image.startsWith(prefix));
const commandText = (s: Service) => [s.entrypoint, s.command].flat().filter(Boolean).join(' ');
const proxyApp = (s: Service) => /--proxy_app=tcp:\/\/([\w-]+):26658/.exec(commandText(s))?.[1];
const isMainTendermint = ([name, s]: [string, Service]) => s.image.startsWith('tendermint/') && name !== 'network-setup';

function parsePort(spec: string): { hostIp?: string; host: number; container: number } {
  const parts = spec.split(':');
  const container = Number(parts.at(-1));
  const host = Number(parts.at(-2));
  return { ...(parts.length === 3 ? { hostIp: parts[0] } : {}), host, container };
}

describe.each(COMPOSE_FILES)('docker/%s', (file) => {
  const compose = load(file);
  const services = compose.services;
  const bigchaindbs = byImage(compose, 'bigchaindb/');
  const mongos = byImage(compose, 'mongo:');
  const tendermints = Object.entries(services).filter(isMainTendermint);

  it('pins BigchainDB 2.2.2, Tendermint 0.31.5 and a MongoDB BigchainDB 2.2.2 supports (3.4/3.6)', () => {
    expect(bigchaindbs.length).toBeGreaterThan(0);
    for (const [name, service] of Object.entries(services)) {
      if (service.image.startsWith('bigchaindb/')) expect(service.image, name).toBe('bigchaindb/bigchaindb:2.2.2');
      else if (service.image.startsWith('tendermint/')) expect(service.image, name).toBe('tendermint/tendermint:v0.31.5');
      else if (service.image.startsWith('mongo:')) expect(service.image, name).toMatch(/^mongo:3\.(4|6)\.\d+$/);
      else throw new Error(`${name}: unexpected image ${service.image}`);
    }
  });

  it('gives every BigchainDB its own MongoDB and its own Tendermint, wired both ways', () => {
    expect(mongos.length).toBe(bigchaindbs.length);
    expect(tendermints.length).toBe(bigchaindbs.length);
    const usedMongos = new Set<string>();
    const usedTendermints = new Set<string>();
    for (const [name, bdb] of bigchaindbs) {
      const env = bdb.environment ?? {};
      const mongo = env.BIGCHAINDB_DATABASE_HOST!;
      const tendermint = env.BIGCHAINDB_TENDERMINT_HOST!;
      expect(services[mongo]?.image, `${name} → ${mongo}`).toMatch(/^mongo:/);
      expect(services[tendermint]?.image, `${name} → ${tendermint}`).toMatch(/^tendermint\//);
      expect(env.BIGCHAINDB_DATABASE_BACKEND).toBe('localmongodb');
      expect(env.BIGCHAINDB_DATABASE_PORT).toBe('27017');
      expect(env.BIGCHAINDB_TENDERMINT_PORT).toBe('26657');
      expect(env.BIGCHAINDB_SERVER_BIND).toBe('0.0.0.0:9984');
      expect(proxyApp(services[tendermint]!), `${tendermint} must call back ${name}'s ABCI port`).toBe(name);
      expect(Object.keys(bdb.depends_on ?? {})).toContain(mongo);
      expect(Object.keys(services[tendermint]!.depends_on ?? {})).toContain(name);
      usedMongos.add(mongo);
      usedTendermints.add(tendermint);
    }
    expect(usedMongos.size).toBe(bigchaindbs.length);
    expect(usedTendermints.size).toBe(bigchaindbs.length);
  });

  it('publishes the API (9984) and WebSocket (9985) ports, advertises the published WebSocket port, keeps RPC local', () => {
    const hostPorts = new Set<string>();
    for (const [name, service] of Object.entries(services)) {
      for (const spec of service.ports ?? []) {
        const port = parsePort(spec);
        const key = `${port.hostIp ?? '0.0.0.0'}:${port.host}`;
        expect(hostPorts.has(key), `${name}: host port ${key} used twice`).toBe(false);
        hostPorts.add(key);
        if (port.container === 26657) expect(port.hostIp, `${name}: Tendermint RPC must bind to 127.0.0.1`).toBe('127.0.0.1');
      }
    }
    for (const [name, bdb] of bigchaindbs) {
      const ports = (bdb.ports ?? []).map(parsePort);
      expect(ports.map((p) => p.container).sort(), name).toEqual([9984, 9985]);
      const ws = ports.find((p) => p.container === 9985)!;
      expect(bdb.environment?.BIGCHAINDB_WSSERVER_ADVERTISED_PORT, name).toBe(String(ws.host));
      expect(bdb.environment?.BIGCHAINDB_WSSERVER_PORT).toBe('9985');
    }
    for (const [name, tm] of tendermints) {
      expect(commandText(tm), name).toMatch(/--p2p\.laddr=tcp:\/\/0\.0\.0\.0:26656/);
      expect(commandText(tm), name).toMatch(/--rpc\.laddr=tcp:\/\/0\.0\.0\.0:26657/);
      expect(commandText(tm), `${name} must use the home it keeps in its volume`).toMatch(/--home[ =]\/tendermint\b/);
    }
  });

  it('keeps all state in declared named volumes, one set per node', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    const owner = new Map<string, string>();
    const expectedMount: [RegExp, string][] = [[/^mongo:/, '/data/db'], [/^bigchaindb\//, '/data'], [/^tendermint\//, '/tendermint']];
    for (const [name, service] of Object.entries(services)) {
      const named = (service.volumes ?? []).filter((v) => !v.startsWith('.') && !v.startsWith('/'));
      for (const volume of named) {
        const source = volume.split(':')[0]!;
        expect(declared.has(source), `${name}: volume ${source} is not declared`).toBe(true);
        if (name === 'network-setup') continue; // the one-shot setup writes every node's home once
        expect(owner.get(source), `${source} shared by ${owner.get(source)} and ${name}`).toBeUndefined();
        owner.set(source, name);
      }
      for (const [image, target] of expectedMount) {
        if (image.test(service.image) && name !== 'network-setup') {
          expect(named.some((v) => v.endsWith(`:${target}`)), `${name} must keep ${target} in a named volume`).toBe(true);
        }
      }
    }
    expect([...declared].filter((v) => !owner.has(v))).toEqual([]); // no declared-but-unused volume
  });

  it('restarts services and checks their health', () => {
    for (const [name, service] of [...bigchaindbs, ...mongos]) expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
  });
});

describe('docker/network: the BFT layout', () => {
  const compose = load('network/docker-compose.yml');
  const tendermints = Object.entries(compose.services).filter(isMainTendermint).map(([name]) => name);

  it('has four validator nodes, each waiting for the one-shot setup', () => {
    expect(tendermints).toEqual(['tendermint-1', 'tendermint-2', 'tendermint-3', 'tendermint-4']);
    const setup = compose.services['network-setup']!;
    expect(setup.environment?.TM_NODES?.split(' ')).toEqual(tendermints);
    for (const name of tendermints) {
      expect(compose.services[name]!.depends_on?.['network-setup']?.condition).toBe('service_completed_successfully');
      expect(setup.volumes).toContain(`${name}-home:/network/${name}`);
    }
  });
});

// A stand-in for the tendermint 0.31.5 CLI, which cannot be installed here: `init` writes the same files (keeping
// existing ones), `show_validator` prints the amino-JSON public key, `show_node_id` the hex node id.
const FAKE_TENDERMINT = `#!/bin/sh
cmd="$1"; shift
home="\${TMHOME:-/tendermint}"
while [ $# -gt 0 ]; do case "$1" in --home) home="$2"; shift 2 ;; *) shift ;; esac; done
cfg="$home/config"
case "$cmd" in
  init)
    mkdir -p "$cfg" "$home/data"
    [ -f "$cfg/priv_validator_key.json" ] || printf '{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"%s"}}\\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\\n')" > "$cfg/priv_validator_key.json"
    [ -f "$cfg/node_key.json" ] || od -An -tx1 -N20 /dev/urandom | tr -d ' \\n' > "$cfg/node_key.json"
    [ -f "$cfg/genesis.json" ] || echo '{"chain_id":"test-chain-single","validators":[]}' > "$cfg/genesis.json"
    [ -f "$cfg/config.toml" ] || printf '%s\\n' 'proxy_app = "tcp://127.0.0.1:26658"' 'moniker = "anonymous"' 'log_level = "*:info"' '[p2p]' 'persistent_peers = ""' 'addr_book_strict = true' 'send_rate = 5120000' 'recv_rate = 5120000' '[mempool]' 'recheck = true' '[consensus]' 'create_empty_blocks = true' > "$cfg/config.toml"
    ;;
  show_validator) sed -e 's/^{"pub_key"://' -e 's/}$//' "$cfg/priv_validator_key.json" ;;
  show_node_id) cat "$cfg/node_key.json"; echo ;;
  *) echo "fake tendermint: unsupported $cmd" >&2; exit 2 ;;
esac
`;

describe('docker/network/setup-network.sh (with a stand-in tendermint CLI)', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  const nodes = ['tendermint-1', 'tendermint-2', 'tendermint-3', 'tendermint-4'];
  const script = path.join(dockerDir, 'network/setup-network.sh');
  const setup = () => run('sh', [script], { env });

  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'hc-network-'));
    const bin = path.join(work, 'bin');
    await (await import('node:fs/promises')).mkdir(bin);
    await writeFile(path.join(bin, 'tendermint'), FAKE_TENDERMINT);
    await chmod(path.join(bin, 'tendermint'), 0o755);
    env = { PATH: `${bin}:${process.env.PATH}`, TM_ROOT: path.join(work, 'network'), TM_NODES: nodes.join(' '), TM_CHAIN_ID: 'healthchain-test' };
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const genesisOf = async (node: string) => JSON.parse(await readFile(path.join(work, 'network', node, 'config/genesis.json'), 'utf8')) as {
    chain_id: string; genesis_time: string; validators: { pub_key: { type: string; value: string }; power: string; name: string }[];
  };
  const configOf = (node: string) => readFile(path.join(work, 'network', node, 'config/config.toml'), 'utf8');
  const nodeIdOf = async (node: string) => (await readFile(path.join(work, 'network', node, 'config/node_key.json'), 'utf8')).trim();

  it('writes one genesis listing all four validators to every node', async () => {
    await setup();
    const first = await genesisOf('tendermint-1');
    expect(first.chain_id).toBe('healthchain-test');
    expect(first.genesis_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.0+Z$/);
    expect(first.validators.map((v) => v.name)).toEqual(nodes);
    expect(first.validators.every((v) => v.power === '10' && v.pub_key.type === 'tendermint/PubKeyEd25519')).toBe(true);
    expect(new Set(first.validators.map((v) => v.pub_key.value)).size).toBe(4);
    for (const node of nodes.slice(1)) expect(await genesisOf(node)).toEqual(first);
  });

  it('points each node at the three others (existing compose services) and applies BigchainDB\'s settings', async () => {
    await setup();
    const compose = load('network/docker-compose.yml');
    for (const node of nodes) {
      const config = await configOf(node);
      const peers = /^persistent_peers = "(.*)"$/m.exec(config)![1]!.split(',');
      const expected = await Promise.all(nodes.filter((n) => n !== node).map(async (n) => `${await nodeIdOf(n)}@${n}:26656`));
      expect(peers).toEqual(expected);
      for (const peer of peers) expect(compose.services[peer.split('@')[1]!.split(':')[0]!]).toBeDefined();
      expect(config).toMatch(/^create_empty_blocks = false$/m);
      expect(config).toMatch(/^recheck = false$/m);
      expect(config).toMatch(/^send_rate = 102400000$/m);
      expect(config).toMatch(/^addr_book_strict = false$/m);
      expect(config).toMatch(new RegExp(`^moniker = "${node}"$`, 'm'));
      expect(config).toMatch(/^log_level = "main:info,state:info,\*:error"$/m);
    }
  });

  it('changes nothing when run again, and refuses to regenerate a partly configured network', async () => {
    await setup();
    const before = await genesisOf('tendermint-3');
    const again = await setup();
    expect(again.stdout).toMatch(/already configured; nothing to do/);
    expect(await genesisOf('tendermint-3')).toEqual(before);
    await rm(path.join(work, 'network', 'tendermint-2', 'config/.healthchain-network'));
    await expect(setup()).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/only 3 of 4 nodes are configured/) });
    expect(await genesisOf('tendermint-3')).toEqual(before);
  });
});

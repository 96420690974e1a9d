// docker/: the real BigchainDB reference (cannot run here), checked for structure as Compose would read it (with
// its ${VAR:-default} / ${VAR:?error} interpolation), and the network setup script run for real with a stand-in for
// the tendermint CLI. The operation scripts (watchdog, rebuild, join, backup) run in docker-scripts.test.ts.
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
  restart?: string;
  logging?: { driver: string; options?: Record<string, string> };
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string; restart?: boolean }>;
  healthcheck?: { test: string[]; interval?: string; retries?: number };
}
interface Compose {
  name: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { name?: string; ipam?: { config: { subnet: string; ip_range?: string }[] } }>;
}

/** Compose's interpolation of ${VAR}, ${VAR:-default} and ${VAR:?error}, applied as Compose does: to the string values
 * of the parsed file (so "${PORT:-9985}" stays a string). */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g,
    (_, name: string, op?: string, arg?: string) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (op === ':?') throw new Error(`required variable ${name} is missing a value: ${arg}`);
      return op === ':-' ? arg! : '';
    },
  );
}

const PUBLIC_ENV = { BDB_PUBLIC_HOST: 'ledger.test.example' };
const rawCompose = (file: string) => readFileSync(path.join(dockerDir, file), 'utf8');
function interpolateTree(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateTree(v, env));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, env)]));
  return value;
}
const load = (file: string, env: Record<string, string | undefined> = PUBLIC_ENV): Compose =>
  interpolateTree(yaml.load(rawCompose(file)), env) as Compose;
const COMPOSE_FILES = ['single-node/docker-compose.yml', 'network/docker-compose.yml'];

const byImage = (compose: Compose, prefix: string) =>
  Object.entries(compose.services).filter(([, s]) => s.image.startsWith(prefix));
const commandText = (s: Service) => [s.entrypoint, s.command].flat().filter(Boolean).join(' ');
const proxyApp = (s: Service) => /--proxy_app=tcp:\/\/([\w-]+):26658/.exec(commandText(s))?.[1];
const isMainTendermint = ([name, s]: [string, Service]) =>
  s.image.startsWith('tendermint/') && name !== 'network-setup';

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
      else if (service.image.startsWith('tendermint/'))
        expect(service.image, name).toBe('tendermint/tendermint:v0.31.5');
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
        if (port.container === 26657)
          expect(port.hostIp, `${name}: Tendermint RPC must bind to 127.0.0.1`).toBe('127.0.0.1');
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
    const expectedMount: [RegExp, string][] = [
      [/^mongo:/, '/data/db'],
      [/^bigchaindb\//, '/data'],
      [/^tendermint\//, '/tendermint'],
    ];
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
          expect(
            named.some((v) => v.endsWith(`:${target}`)),
            `${name} must keep ${target} in a named volume`,
          ).toBe(true);
        }
      }
    }
    expect([...declared].filter((v) => !owner.has(v))).toEqual([]); // no declared-but-unused volume
  });

  it('restarts services and checks their health', () => {
    for (const [name, service] of [...bigchaindbs, ...mongos])
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
  });

  it('checks each Tendermint on /abci_info, reading the body (a dead ABCI connection is a JSON-RPC error with HTTP 200)', () => {
    for (const [name, tm] of tendermints) {
      const test = tm.healthcheck?.test.join(' ') ?? '';
      expect(test, name).toMatch(
        /^CMD-SHELL curl -fsS --max-time \d+ http:\/\/127\.0\.0\.1:26657\/abci_info \| jq -e \.result\.response > \/dev\/null$/,
      );
      expect(tm.restart, name).toBe('unless-stopped');
      const bdb = proxyApp(tm)!;
      expect(tm.depends_on?.[bdb], name).toEqual({ condition: 'service_healthy', restart: true });
    }
  });

  it('refuses to start without BDB_PUBLIC_HOST, and takes the advertised stream scheme and port as settings', () => {
    expect(() => load(file, {})).toThrow(
      /required variable BDB_PUBLIC_HOST is missing a value: BDB_PUBLIC_HOST is not set - copy \.env\.example to \.env/,
    );
    const tls = load(file, {
      ...PUBLIC_ENV,
      BDB_WS_ADVERTISED_SCHEME: 'wss',
      BDB_WS_ADVERTISED_PORT: '443',
      BDB_WS_ADVERTISED_PORT_1: '19443',
      BDB_WS_ADVERTISED_PORT_2: '29443',
      BDB_WS_ADVERTISED_PORT_3: '39443',
      BDB_WS_ADVERTISED_PORT_4: '49443',
    });
    for (const [name, bdb] of byImage(tls, 'bigchaindb/')) {
      expect(bdb.environment?.BIGCHAINDB_WSSERVER_ADVERTISED_HOST, name).toBe('ledger.test.example');
      expect(bdb.environment?.BIGCHAINDB_WSSERVER_ADVERTISED_SCHEME, name).toBe('wss');
      expect(bdb.environment?.BIGCHAINDB_WSSERVER_ADVERTISED_PORT, name).toMatch(/^(443|[1-4]9443)$/);
    }
    for (const [name, bdb] of bigchaindbs)
      expect(bdb.environment?.BIGCHAINDB_WSSERVER_ADVERTISED_SCHEME, `${name} default`).toBe('ws');
  });

  it('bounds the gunicorn workers of every BigchainDB', () => {
    const workers = bigchaindbs.map(([, bdb]) => Number(bdb.environment?.BIGCHAINDB_SERVER_WORKERS));
    for (const w of workers) expect(w).toBeGreaterThanOrEqual(1);
    // Four BigchainDBs on one host: at most 8 API processes by default, whatever the CPU count.
    expect(workers.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(bigchaindbs.length === 1 ? 3 : 8);
  });

  it('binds the published API, stream and P2P ports to an address variable (Docker bypasses ufw/firewalld)', () => {
    const raw = rawCompose(file);
    for (const line of raw.split('\n').filter((l) => /^\s+- "[^"]*:(9984|9985|26656)"/.test(l))) {
      expect(line, 'a published API/stream/P2P port must name its host address').toMatch(
        /- "\$\{(BDB_BIND_IP|TM_P2P_BIND_IP):-[0-9.]+\}:/,
      );
    }
    const lan = load(file, { ...PUBLIC_ENV, BDB_BIND_IP: '10.1.2.3', TM_P2P_BIND_IP: '10.1.2.3' });
    for (const [name, service] of Object.entries(lan.services)) {
      for (const port of (service.ports ?? []).map(parsePort)) {
        expect(port.hostIp, `${name}:${port.container}`).toBe(port.container % 1000 === 657 ? '127.0.0.1' : '10.1.2.3');
      }
    }
    // By default P2P stays on this host: a single node needs it only once it joins a network.
    for (const [name, service] of Object.entries(services)) {
      for (const port of (service.ports ?? []).map(parsePort))
        if (port.container === 26656) expect(port.hostIp, name).toBe('127.0.0.1');
    }
  });

  it("rotates every container's log", () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.logging?.driver, name).toBe('json-file');
      expect(service.logging?.options, name).toEqual({ 'max-size': '10m', 'max-file': '5' });
    }
  });

  it('documents every variable it reads in .env.example, with BDB_PUBLIC_HOST set there', () => {
    const used = new Set([...rawCompose(file).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    const example = readFileSync(path.join(dockerDir, path.dirname(file), '.env.example'), 'utf8');
    const defined = new Set([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    expect([...used].filter((v) => !defined.has(v))).toEqual([]);
    expect(example).toMatch(/^BDB_PUBLIC_HOST=\S+$/m);
    // The example file works as it is: every value interpolates into a valid compose file.
    const env = Object.fromEntries([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(load(file, env).services)).toEqual(Object.keys(services));
  });
});

describe('docker/network: the BFT layout', () => {
  const compose = load('network/docker-compose.yml');
  const tendermints = Object.entries(compose.services)
    .filter(isMainTendermint)
    .map(([name]) => name);

  it('gives every Tendermint a fixed address, outside the range Docker hands out, and the setup peers those addresses', () => {
    const ipam = compose.networks?.ledger?.ipam?.config[0];
    expect(ipam).toEqual({ subnet: '172.28.10.0/24', ip_range: '172.28.10.128/25' });
    const addresses = tendermints.map(
      (name) => (compose.services[name]!.networks as Record<string, { ipv4_address: string }>).ledger!.ipv4_address,
    );
    expect(addresses).toEqual(['172.28.10.11', '172.28.10.12', '172.28.10.13', '172.28.10.14']);
    expect(compose.services['network-setup']!.environment?.TM_NODE_ADDRS?.split(' ')).toEqual(addresses);
    for (const [name, service] of Object.entries(compose.services)) expect(service.networks, name).toBeDefined();
    const moved = load('network/docker-compose.yml', { ...PUBLIC_ENV, TM_SUBNET_PREFIX: '10.99.0' });
    expect(moved.services['network-setup']!.environment?.TM_NODE_ADDRS).toBe(
      '10.99.0.11 10.99.0.12 10.99.0.13 10.99.0.14',
    );
  });

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
    env = {
      PATH: `${bin}:${process.env.PATH}`,
      TM_ROOT: path.join(work, 'network'),
      TM_NODES: nodes.join(' '),
      TM_CHAIN_ID: 'healthchain-test',
    };
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const genesisOf = async (node: string) =>
    JSON.parse(await readFile(path.join(work, 'network', node, 'config/genesis.json'), 'utf8')) as {
      chain_id: string;
      genesis_time: string;
      validators: { pub_key: { type: string; value: string }; power: string; name: string }[];
    };
  const configOf = (node: string) => readFile(path.join(work, 'network', node, 'config/config.toml'), 'utf8');
  const nodeIdOf = async (node: string) =>
    (await readFile(path.join(work, 'network', node, 'config/node_key.json'), 'utf8')).trim();

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

  it("points each node at the three others (existing compose services) and applies BigchainDB's settings", async () => {
    await setup();
    const compose = load('network/docker-compose.yml');
    for (const node of nodes) {
      const config = await configOf(node);
      const peers = /^persistent_peers = "(.*)"$/m.exec(config)![1]!.split(',');
      const expected = await Promise.all(
        nodes.filter((n) => n !== node).map(async (n) => `${await nodeIdOf(n)}@${n}:26656`),
      );
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

  it('peers the nodes by their fixed addresses when given them, as the compose file does', async () => {
    const addrs = ['172.28.10.11', '172.28.10.12', '172.28.10.13', '172.28.10.14'];
    env = { ...env, TM_NODE_ADDRS: addrs.join(' ') };
    await setup();
    for (const [i, node] of nodes.entries()) {
      const peers = /^persistent_peers = "(.*)"$/m.exec(await configOf(node))![1]!.split(',');
      const expected = await Promise.all(nodes.map(async (n, j) => `${await nodeIdOf(n)}@${addrs[j]}:26656`));
      expect(peers).toEqual(expected.filter((_, j) => j !== i));
    }
  });

  it('refuses an address list that does not match the nodes, before writing anything', async () => {
    env = { ...env, TM_NODE_ADDRS: '172.28.10.11 172.28.10.12' };
    await expect(setup()).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/TM_NODE_ADDRS lists 2 addresses for 4 nodes/),
    });
    await expect(readFile(path.join(work, 'network', 'tendermint-1', 'config/genesis.json'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('changes nothing when run again, and refuses to regenerate a partly configured network', async () => {
    await setup();
    const before = await genesisOf('tendermint-3');
    const again = await setup();
    expect(again.stdout).toMatch(/already configured; nothing to do/);
    expect(await genesisOf('tendermint-3')).toEqual(before);
    await rm(path.join(work, 'network', 'tendermint-2', 'config/.healthchain-network'));
    await expect(setup()).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/only 3 of 4 nodes are configured/),
    });
    expect(await genesisOf('tendermint-3')).toEqual(before);
  });
});

describe('docker/README.md and the files around the compose layouts', () => {
  const readme = readFileSync(path.join(dockerDir, 'README.md'), 'utf8');
  // The text of the fenced blocks: what IT copies and runs.
  let fenced = false;
  const commands = readme
    .split('\n')
    .filter((line) => (/^\s*```/.test(line) ? ((fenced = !fenced), false) : fenced))
    .join('\n');

  it('spells out every volume by its real (project-prefixed) name', () => {
    for (const file of COMPOSE_FILES) {
      const compose = load(file);
      for (const volume of Object.keys(compose.volumes ?? {})) {
        const generic = volume.replace(/-(\d)-/, '-N-');
        expect(readme, `${compose.name}_${volume}`).toContain(`${compose.name}_${generic}`);
      }
    }
    expect(commands).toContain('--network healthchain-ledger');
    expect(load('network/docker-compose.yml').networks?.ledger?.name).toBe('healthchain-ledger');
  });

  it('gives the election commands BigchainDB 2.2.2 has (chain-migration, upsert-validator, approve by > 2/3)', () => {
    expect(commands).toMatch(
      /election new upsert-validator <new public key, base64> 10 <new node id> \\\n\s+--private-key \/tendermint\/config\/priv_validator_key\.json/,
    );
    expect(commands).toMatch(
      /election approve <election id> --private-key \/tendermint\/config\/priv_validator_key\.json/,
    );
    expect(readme).toContain('`bigchaindb election new chain-migration --private-key …`');
    expect(readme).toContain('more than 2/3 of the current voting power');
    expect(commands).not.toMatch(/election new migration/);
    expect(readme).not.toMatch(/`bigchaindb election new migration`\)/);
  });

  it('checks status with `ps -a`, names the status URL per layout, and cites no file BigchainDB no longer has', () => {
    expect(commands).toContain('docker compose ps -a');
    expect(readme).toContain('`curl -s http://localhost:N9984/` (19984 … 49984');
    for (const line of readme.split('\n').filter((l) => l.includes('docker-compose.network.yml')))
      expect(line).toMatch(/removed/);
  });

  it('references every operation script, each executable, LF-only and marked eol=lf for Git', async () => {
    const scriptsDir = path.join(dockerDir, 'scripts');
    const { readdirSync, statSync } = await import('node:fs');
    const names = readdirSync(scriptsDir).filter((n) => n.endsWith('.sh') && n !== 'lib.sh');
    expect(names.sort()).toEqual(['backup.sh', 'join-network.sh', 'rebuild-node.sh', 'watchdog.sh']);
    for (const name of [...names.map((n) => `scripts/${n}`), 'network/setup-network.sh']) {
      expect(readme, name).toContain(name.startsWith('scripts/') ? name : 'setup-network.sh');
      expect(statSync(path.join(dockerDir, name)).mode & 0o111, `${name} must be executable`).not.toBe(0);
      expect(readFileSync(path.join(dockerDir, name), 'utf8')).not.toContain('\r');
      const { stdout } = await run('git', ['check-attr', 'eol', '--', `docker/${name}`]);
      expect(stdout.trim()).toBe(`docker/${name}: eol: lf`);
    }
  });
});

// docker/nginx/: the TLS proxy examples. Their body-size limit is checked against real chart transactions built by
// the app's own code. The app bounds entries, not the chart's total size (up to 5000 visits with 20,000-character
// notes: over 100 MB), so the bound that matters is the ledger's: Tendermint 0.31.5 reads at most 1,000,000 bytes
// per RPC request (rpc/lib/server/http_server.go, maxBodyBytes), and BigchainDB 2.2.2 sends it every transaction as
// base64 of json.dumps inside a JSON-RPC call (lib.py post_transaction, tendermint_utils.encode_transaction).
// nginx must let through everything the ledger can take, so it is never the narrower gate.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import type { Chart } from '../../../src-shared/records/chart';
import { sampleChart } from '../../fixtures/sample-chart';
import { payloadOf } from '../../../src-shared/records/payload';
import { nativeLedgerCrypto as crypto } from '../../../src-main/crypto/ledger-crypto';
import { buildCreate, buildVersion } from '../../../src-main/records/version-builder';
import yaml from 'js-yaml';

const dockerDir = path.join(process.cwd(), 'docker');
const TENDERMINT_RPC_MAX_BODY = 1_000_000;
// {"method": "broadcast_tx_async", "jsonrpc": "2.0", "params": ["<base64>"], "id": "<uuid4>"}: what surrounds the tx.
const RPC_ENVELOPE_BYTES = JSON.stringify({
  method: 'broadcast_tx_commit',
  jsonrpc: '2.0',
  params: [''],
  id: '00000000-0000-0000-0000-000000000000',
}).replace(/[:,]/g, '$& ').length;
/** Bytes of json.dumps(tx) that still fit in one Tendermint RPC request once base64-encoded. */
const LEDGER_MAX_TX_BYTES = Math.floor((TENDERMINT_RPC_MAX_BODY - RPC_ENVELOPE_BYTES) / 4) * 3;

/** Python's json.dumps separators (", " and ": ") outside strings: what BigchainDB hands Tendermint. */
function pythonJsonBytes(value: unknown): number {
  const compact = JSON.stringify(value);
  let extra = 0;
  let inString = false;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i];
    if (c === '\\' && inString) i++;
    else if (c === '"') inString = !inString;
    else if (!inString && (c === ',' || c === ':')) extra++;
  }
  return Buffer.byteLength(compact) + extra;
}

function bodyLimit(conf: string): number[] {
  return [...conf.matchAll(/client_max_body_size\s+(\d+)([kKmM]?);/g)].map(
    ([, n, unit]) => Number(n) * ({ k: 1024, m: 1024 * 1024 }[unit!.toLowerCase()] ?? 1),
  );
}

function chartWithVisits(count: number, notesLength: number): Chart {
  const chart = sampleChart();
  chart.visits = Array.from({ length: count }, (_, i) => ({
    id: `v${i}`,
    date: '2026-11-20',
    reason: 'Follow-up',
    notes: 'n'.repeat(notesLength),
    doctor: 'Dr. Lena Okafor',
    status: 'completed' as const,
  }));
  return chart;
}

async function chartVersionTx(chart: Chart, sharedDoctors = 0) {
  const holder = new SeedKeyHolder(randomBytes(32));
  const doctors = Array.from({ length: sharedDoctors }, () => {
    const d = new SeedKeyHolder(randomBytes(32));
    return { signKey: d.signKey, boxKey: d.boxKey, name: 'Dr. Shared' };
  });
  const payload = payloadOf(
    chart,
    null,
    { signKey: holder.signKey, boxKey: holder.boxKey, name: 'Dr. Custodian' },
    doctors,
  );
  const create = (await buildCreate(holder, payload, crypto)).tx;
  return (await buildVersion(holder, create, create.id, 'update', 2, payload, crypto)).tx;
}

describe.each(['single-node.conf', 'network.conf'])('docker/nginx/%s', (file) => {
  const conf = readFileSync(path.join(dockerDir, 'nginx', file), 'utf8');
  const servers = conf.split(/^server \{$/m).slice(1);

  it('lets through every transaction the ledger can commit (Tendermint 0.31.5: 1,000,000 bytes per RPC request)', () => {
    const limits = bodyLimit(conf);
    expect(limits.length).toBeGreaterThan(0);
    for (const limit of limits) expect(limit).toBeGreaterThanOrEqual(TENDERMINT_RPC_MAX_BODY);
    expect(LEDGER_MAX_TX_BYTES).toBeGreaterThan(740_000);
  });

  it('proxies the API to 9984 and the stream path to 9985 with the WebSocket upgrade, over TLS', () => {
    const tls = servers.filter((s) => /listen \d+ ssl;/.test(s));
    expect(tls.length).toBe(file === 'network.conf' ? 4 : 1);
    for (const server of tls) {
      const stream = /location \/api\/v1\/streams\/valid_transactions \{([^}]*)\}/.exec(server)![1]!;
      expect(stream).toMatch(/proxy_pass http:\/\/127\.0\.0\.1:[1-4]?9985;/);
      expect(stream).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
      expect(stream).toMatch(/proxy_set_header Connection "upgrade";/);
      expect(stream).toMatch(/proxy_http_version 1\.1;/);
      const api = /location \/ \{([^}]*)\}/.exec(server)![1]!;
      expect(api).toMatch(/proxy_pass http:\/\/127\.0\.0\.1:[1-4]?9984;/);
      expect(api).toMatch(/client_max_body_size/);
      // The same node behind both locations.
      expect(/:(\d?)9985;/.exec(stream)![1]).toBe(/:(\d?)9984;/.exec(api)![1]);
    }
  });

  it("listens where the layout's .env.example says the stream is advertised behind the proxy", () => {
    const layout = file === 'network.conf' ? 'network' : 'single-node';
    const example = readFileSync(path.join(dockerDir, layout, '.env.example'), 'utf8');
    expect(example).toMatch(new RegExp(`Behind \\.\\./nginx/${file.replace('.', '\\.')}: wss and`));
    const ports = [...conf.matchAll(/listen (\d+) ssl;/g)].map((m) => m[1]);
    expect(ports).toEqual(file === 'network.conf' ? ['19443', '29443', '39443', '49443'] : ['443']);
    // The published ports the proxy forwards to exist in the compose file.
    const compose = readFileSync(path.join(dockerDir, layout, 'docker-compose.yml'), 'utf8');
    for (const [, port] of conf.matchAll(/proxy_pass http:\/\/127\.0\.0\.1:(\d+);/g))
      expect(compose).toContain(`:${port}:99`);
    expect(yaml.load(compose)).toBeTruthy();
  });
});

describe('chart transactions against the proxy limit', () => {
  const limit = Math.min(...bodyLimit(readFileSync(path.join(dockerDir, 'nginx', 'single-node.conf'), 'utf8')));

  it("a chart version near the ledger's ceiling (and its many readers) passes the proxy and fits one Tendermint request", async () => {
    // 330 visits with 1,500-character notes and ten shared doctors: about 700 kB once sealed and base64-encoded.
    const tx = await chartVersionTx(chartWithVisits(330, 1500), 10);
    const posted = Buffer.byteLength(JSON.stringify(tx));
    expect(posted).toBeGreaterThan(600_000);
    expect(posted).toBeLessThanOrEqual(limit);
    expect(pythonJsonBytes(tx)).toBeLessThanOrEqual(LEDGER_MAX_TX_BYTES);
  });

  it("BigchainDB's own 15k limit would refuse an ordinary chart: 20 visits with a paragraph of notes each", async () => {
    const tx = await chartVersionTx(chartWithVisits(20, 600));
    expect(Buffer.byteLength(JSON.stringify(tx))).toBeGreaterThan(15 * 1024);
    expect(Buffer.byteLength(JSON.stringify(tx))).toBeLessThan(limit);
  });
});

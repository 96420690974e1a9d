// `npm run bench -- charts [--versions=1000] [--charts=10000] [--imports=2000] [--concurrency=16] [--import-concurrency=64] [--only=open,list,import]`
// Figures for docs/BENCHMARKS.md (Charts): the real embedded node on 127.0.0.1, the real chart service, the real
// KeyHolder class with the OpenSSL crypto the vault plugs into it (seeded here, so no keychain is needed), everything cold unless said.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { SeedKeyHolder } from '../../src-shared/crypto/keyholder';
import { nodeKeyHolderCrypto } from '../../src-main/vault/node-key-holder';
import type { Transaction } from '../../src-shared/ledger';
import { chartToFhir } from '../../src-shared/records/fhir';
import { sampleChart } from '../../src-shared/records/fixtures';
import { payloadOf } from '../../src-shared/records/payload';
import { startLedgerNode } from '../../src-main/ledger-node/node';
import { verifyChartChain } from '../../src-main/ledger/chain';
import { LedgerNodeClient } from '../../src-main/ledger/node-client';
import { nodeCryptoProvider } from '../../src-main/ledger/node-crypto';
import { ChartLoader } from '../../src-main/records/chart-loader';
import { createChartService, type ChartService } from '../../src-main/records/chart-service';
import { buildCreate, buildVersion } from '../../src-main/records/chart-writer';

const noCards = { create: async () => { throw new Error('the benchmark issues no cards'); } };

async function mapLimit<T>(count: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0);

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== 'charts'),
    allowPositionals: true,
    options: { versions: { type: 'string' }, charts: { type: 'string' }, imports: { type: 'string' }, concurrency: { type: 'string' }, 'import-concurrency': { type: 'string' }, only: { type: 'string' } },
  });
  const versions = Number(values.versions ?? 1000);
  const chartCount = Number(values.charts ?? 10000);
  const imports = Number(values.imports ?? 2000);
  const concurrency = Number(values.concurrency ?? 16);
  // A bulk import has many independent charts in hand: more of them in flight fill the node's blocks (each
  // commit-mode answer waits for its block's flush) and share the outbox's directory fsyncs.
  const importConcurrency = Number(values['import-concurrency'] ?? 64);
  const only = new Set((values.only ?? 'open,list,import').split(','));
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);

  const dir = mkdtempSync(join(tmpdir(), 'hc-bench-charts-'));
  const node = await startLedgerNode({ port: 0, dataDir: join(dir, 'ledger') });
  const crypto = nodeCryptoProvider;
  const client = new LedgerNodeClient({ nodeUrls: [node.url], postTimeoutMs: 60_000, readTimeoutMs: 60_000 });
  const services: ChartService[] = [];
  const fresh = async (label: string) => {
    // The list benchmark follows the node's stream as the app does (it is what lets a second listing reuse charts).
    const s = await createChartService({ nodeUrls: [node.url], outboxDir: join(dir, `outbox-${label}-${services.length}`), cards: noCards, liveStream: label === 'list', listConcurrency: concurrency, client: { readTimeoutMs: 60_000, postTimeoutMs: 60_000 } });
    services.push(s);
    return s;
  };

  try {
    // 1. A chart with `versions` versions: fetch, verify, decrypt, cold (a fresh service each run).
    if (only.has('open')) {
      const doctor = new SeedKeyHolder(randomBytes(32), nodeKeyHolderCrypto);
      const custodian = { signKey: doctor.signKey, boxKey: doctor.boxKey, name: 'Dr Bench' };
      const chart = sampleChart();
      let t = process.hrtime.bigint();
      const { tx: create } = await buildCreate(doctor, payloadOf(chart, null, custodian, []), crypto);
      await client.post(create);
      let head: Transaction = create;
      for (let seq = 2; seq <= versions; seq++) {
        chart.visits[0]!.notes = `Review ${seq}`;
        const { tx } = await buildVersion(doctor, head, create.id, 'update', seq, payloadOf(chart, null, custodian, []), crypto);
        await client.post(tx);
        head = tx;
      }
      console.log(`setup: wrote a chart with ${versions} versions in ${fmt(ms(t) / 1000)} s`);
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const s = await fresh('open');
        t = process.hrtime.bigint();
        const view = await s.get(doctor, create.id);
        runs.push(ms(t));
        if (view.versions.length !== versions || view.tampered) throw new Error('benchmark chart did not open cleanly');
        await s.close();
      }
      // Where the time goes, measured once more stage by stage.
      t = process.hrtime.bigint();
      const { value: raw } = await client.listTransactions(create.id);
      const fetchMs = ms(t);
      t = process.hrtime.bigint();
      const verified = await verifyChartChain(create.id, raw, crypto);
      const verifyMs = ms(t);
      const loader = new ChartLoader(client, crypto);
      t = process.hrtime.bigint();
      for (const v of verified.versions) await loader.open(doctor, v);
      const decryptMs = ms(t);
      console.log(`open a chart with ${versions} versions (fetch + verify + decrypt + diffs), cold: median ${fmt(median(runs))} ms, best ${fmt(Math.min(...runs))} ms (target < 300 ms)`);
      console.log(`  stages: fetch ${fmt(fetchMs)} ms, verify ${fmt(verifyMs)} ms, unwrap + decrypt ${fmt(decryptMs)} ms`);
    }

    // 2. A doctor's `chartCount` charts: metadata search, then each chart fetched, verified and its head opened.
    if (only.has('list')) {
      const doctor = new SeedKeyHolder(randomBytes(32), nodeKeyHolderCrypto);
      const custodian = { signKey: doctor.signKey, boxKey: doctor.boxKey, name: 'Dr Bench' };
      let t = process.hrtime.bigint();
      await mapLimit(chartCount, concurrency, async (i) => {
        const { tx } = await buildCreate(doctor, payloadOf(sampleChart(`Patient ${i}`), null, custodian, []), crypto);
        await client.post(tx);
      });
      console.log(`setup: wrote ${chartCount} charts in ${fmt(ms(t) / 1000)} s`);
      const s = await fresh('list');
      for (let i = 0; i < 200 && !s.internals.stream.connected; i++) await new Promise((r) => setTimeout(r, 25));
      t = process.hrtime.bigint();
      const list = await s.list(doctor);
      const listMs = ms(t);
      if (list.length !== chartCount) throw new Error(`listed ${list.length} of ${chartCount} charts`);
      t = process.hrtime.bigint();
      await s.list(doctor);
      const warmMs = ms(t);
      console.log(`list a doctor's ${chartCount} charts, cold: ${fmt(listMs / 1000)} s (target < 5 s); again in the same session (unchanged charts reused): ${fmt(warmMs / 1000)} s`);
    }

    // 3. FHIR bulk import through the service: parse, validate, seal, sign, outbox (fsync), post, commit.
    if (only.has('import')) {
      const doctor = new SeedKeyHolder(randomBytes(32), nodeKeyHolderCrypto);
      const bundles = Array.from({ length: imports }, (_, i) => JSON.parse(JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart(`Imported ${i}`), versions: [] }))) as unknown);
      const s = await fresh('import');
      const t = process.hrtime.bigint();
      const results = await mapLimit(imports, importConcurrency, (i) => s.importFhir(doctor, bundles[i]));
      const elapsed = ms(t);
      if (results.some((r) => r.status !== 'committed')) throw new Error('an import did not commit');
      console.log(`FHIR bulk import: ${imports} charts in ${fmt(elapsed / 1000)} s = ${fmt(imports / (elapsed / 1000))} charts/s, ${importConcurrency} at a time (target ≥ 500/s)`);
    }
  } finally {
    for (const s of services) await s.close();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

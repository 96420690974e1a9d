import { Session } from 'node:inspector/promises';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SeedKeyHolder } from '../../src-shared/crypto/keyholder';
import { nodeKeyHolderCrypto } from '../../src-main/vault/node-key-holder';
import type { Transaction } from '../../src-shared/ledger';
import { sampleChart } from '../../src-shared/records/fixtures';
import { payloadOf } from '../../src-shared/records/payload';
import { startLedgerNode } from '../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../src-main/ledger/node-client';
import { nodeCryptoProvider as crypto } from '../../src-main/ledger/node-crypto';
import { createChartService } from '../../src-main/records/chart-service';
import { buildCreate, buildVersion } from '../../src-main/records/chart-writer';
const dir = mkdtempSync(join(tmpdir(), 'hc-prof-'));
const node = await startLedgerNode({ port: 0, dataDir: join(dir, 'ledger') });
const client = new LedgerNodeClient({ nodeUrls: [node.url] });
const doctor = new SeedKeyHolder(randomBytes(32), nodeKeyHolderCrypto);
const custodian = { signKey: doctor.signKey, boxKey: doctor.boxKey, name: 'Dr Bench' };
const chart = sampleChart();
const { tx: create } = await buildCreate(doctor, payloadOf(chart, null, custodian, []), crypto);
await client.post(create);
let head: Transaction = create;
for (let seq = 2; seq <= 1000; seq++) {
  chart.visits[0]!.notes = `Review ${seq}`;
  const { tx } = await buildVersion(doctor, head, create.id, 'update', seq, payloadOf(chart, null, custodian, []), crypto);
  await client.post(tx, 'sync');
  head = tx;
}
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
for (let i = 0; i < 8; i++) {
  const s = await createChartService({ nodeUrls: [node.url], outboxDir: join(dir, `o${i}`), cards: { create: async () => { throw new Error(); } }, liveStream: false });
  const t = performance.now(); await s.get(doctor, create.id); console.log('get', (performance.now() - t).toFixed(0)); await s.close();
}
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/hcprof/open.cpuprofile', JSON.stringify(profile));
await node.stop();

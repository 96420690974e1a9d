// The emergency service's index of v3 charts for requests by patient identifiers (src-main/emergency/chart-index-v3.ts,
// docs/EMERGENCY.md): on the embedded node over HTTP, --charts=<n> (200) envelope v3 charts under the authority (the
// emergency key among their readers) and --foreign=<n> (200) v3 charts without an authority (no slot for it), each
// of two versions, then the index's refreshes timed in this process (node and index together, wall and CPU):
//   cold      the first refresh: every chart asset listed, each chart not seen tried by its head (ChartIndexV3's
//             headFirst) and the key's charts read and opened once; --rounds=<n> (3) fresh indexes, alternated
//             with the same refresh without headFirst (every v3 chart read and verified in full), medians of each;
//   warm      nothing changed: the asset listing and the next-version-tag searches only;
//   changed   after --changed=<n> (20) charts of the authority got a new version.
// Median of --runs=<n> (5) warm refreshes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLedgerNode } from '../../src-main/ledger-node/node';
import { generateToken } from '../../src-main/ledger-node/http/access';
import { LedgerNodeClient } from '../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../src-main/authority/credential-registry';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { ChartIndexV3 } from '../../src-main/emergency/chart-index-v3';
import { V3Counters } from '../../src-main/records/v3-counters';
import { withRecovery } from '../../src-main/records/version-builder';
import { buildCreateV3, buildVersionV3 } from '../../src-main/records/version-builder-v3';
import { custodyPolicyOf, type CustodyPolicy } from '../../src-shared/authority/custody';
import { payloadOf } from '../../src-shared/records/payload';
import { sampleChart } from '../fixtures/sample-chart';
import { benchHospital } from './hospital';

const option = (argv: string[], name: string, fallback: number) => {
  const found = argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
};

const holder = () => new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

export async function main(argv: string[]): Promise<void> {
  const own = option(argv, 'charts', 200);
  const foreign = option(argv, 'foreign', 200);
  const changed = Math.min(own, option(argv, 'changed', 20));
  const runs = option(argv, 'runs', 5);
  const rounds = option(argv, 'rounds', 3);
  const dir = mkdtempSync(path.join(tmpdir(), 'hc-bench-emergency-index-'));
  const node = await startLedgerNode({
    dataDir: path.join(dir, 'ledger'),
    port: 0,
    access: { kind: 'token', token: generateToken() },
  });
  const client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => node.token });
  try {
    const hospital = await benchHospital(client, true);
    const registry = new CredentialRegistry(client, hospital.authorityId);
    const authority = await registry.authority();
    const emergency = holder();
    const custody = custodyPolicyOf(hospital.authorityId, authority.data, emergency.boxKey);
    const custodian = holder();
    const outsider = holder();
    await hospital.credential(custodian);
    const counters = new V3Counters();
    const write = async (by: SeedKeyHolder, policy: CustodyPolicy | null, i: number) => {
      const payload = withRecovery(
        payloadOf(
          sampleChart(`Patient ${i}`),
          { signKey: by.signKey, boxKey: by.boxKey },
          { signKey: by.signKey, boxKey: by.boxKey, name: 'Dr Bench' },
          [],
        ),
        policy,
      );
      const options = { crypto: nativeLedgerCrypto, counters, custody: policy };
      const created = await buildCreateV3(by, payload, options);
      await client.post(created.tx, 'commit');
      const second = await buildVersionV3(by, created.head, created.tx.id, 'update', payload, options);
      await client.post(second.tx, 'commit');
      return { chartId: created.tx.id, head: second.head, payload };
    };
    const built = await timed(async () => {
      const mine = [];
      for (let i = 0; i < own; i++) mine.push(await write(custodian, custody, i));
      for (let i = 0; i < foreign; i++) await write(outsider, null, own + i);
      return mine;
    });
    console.log(
      `ledger: ${own} charts under the authority + ${foreign} without, 2 versions each, written in ${(built.wallMs / 1000).toFixed(1)} s`,
    );
    const view = await registry.load();
    const colds: Record<'head' | 'full', { wallMs: number; cpuMs: number }[]> = { head: [], full: [] };
    let index = new ChartIndexV3(client, emergency);
    for (let r = 0; r < rounds; r++)
      for (const headFirst of r % 2 === 0 ? [true, false] : [false, true]) {
        const fresh = new ChartIndexV3(client, emergency, { headFirst });
        colds[headFirst ? 'head' : 'full'].push(await timed(() => fresh.refresh(view)));
        if (fresh.size !== own) throw new Error(`the index holds ${fresh.size} charts, expected ${own}`);
        if (headFirst) index = fresh;
      }
    const warm: { wallMs: number; cpuMs: number }[] = [];
    for (let r = 0; r < runs; r++) warm.push(await timed(() => index.refresh(view)));
    for (const c of built.value.slice(0, changed)) {
      const next = await buildVersionV3(custodian, c.head, c.chartId, 'update', c.payload, {
        crypto: nativeLedgerCrypto,
        counters,
        custody,
      });
      await client.post(next.tx, 'commit');
    }
    const after = await timed(() => index.refresh(view));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const medianOf = (ts: { wallMs: number; cpuMs: number }[]) => ({
      wallMs: median(ts.map((t) => t.wallMs)),
      cpuMs: median(ts.map((t) => t.cpuMs)),
    });
    const row = (label: string, t: { wallMs: number; cpuMs: number }) =>
      console.log(
        `${label.padEnd(40)} wall ${t.wallMs.toFixed(0).padStart(6)} ms   CPU ${t.cpuMs.toFixed(0).padStart(6)} ms`,
      );
    row(`cold, head first, median of ${rounds}`, medianOf(colds.head));
    row(`cold, every chain in full, median of ${rounds}`, medianOf(colds.full));
    row(`warm, median of ${runs}`, medianOf(warm));
    row(`after ${changed} new versions`, after);
    for (const [label, ts] of Object.entries(colds))
      console.log(
        `cold ${label}: ${ts.map((t) => `${t.wallMs.toFixed(0)}/${t.cpuMs.toFixed(0)}`).join(', ')} ms wall/CPU`,
      );
  } finally {
    client.close();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

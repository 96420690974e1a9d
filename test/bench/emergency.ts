// Emergency access, request to readable (docs/EMERGENCY.md, docs/BENCHMARKS.md): on the embedded node over HTTP, a
// credentialed doctor posts a request and polls its state (every 50 ms) until the grant is on the ledger and the
// chart version opens with it. The service runs in this process as beside the embedded node (its default 500 ms
// poll, or --poll-ms=<n>), its key seeded here (the keychain adds nothing to the latency). Median and p99 over
// --requests=<n> (200) requests, one at a time.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLedgerNode } from '../../src-main/ledger-node/node';
import { generateToken } from '../../src-main/ledger-node/http/access';
import { LedgerNodeClient } from '../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../src-main/authority/credential-registry';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { EmergencyService } from '../../src-main/emergency/service';
import { readEmergencyRequest } from '../../src-main/emergency/request-state';
import { CHART_ASSET_TYPE } from '../../src-main/ledger/chain';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import { sealEnvelope } from '../../src-shared/crypto/envelope';
import { signerFor } from '../../src-shared/crypto/keyholder';
import { utf8 } from '../../src-shared/crypto/bytes';
import { buildEmergencyRequest, openVersionWithWrap } from '../../src-shared/emergency';
import { ed25519Output, makeCreate, signTransaction, type JsonObject } from '../../src-shared/ledger';
import { benchHospital } from './hospital';

const option = (argv: string[], name: string, fallback: number) => {
  const found = argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
};

export async function main(argv: string[]): Promise<void> {
  const requests = option(argv, 'requests', 200);
  const pollMs = option(argv, 'poll-ms', 500);
  const dir = mkdtempSync(path.join(tmpdir(), 'hc-bench-emergency-'));
  const node = await startLedgerNode({
    dataDir: path.join(dir, 'ledger'),
    port: 0,
    access: { kind: 'token', token: generateToken() },
  });
  const client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => node.token });
  const stop = new AbortController();
  try {
    const hospital = await benchHospital(client, true);
    const doctor = new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);
    await hospital.credential(doctor);
    const key = new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);
    const authority = await new CredentialRegistry(client, hospital.authorityId).authority();
    const officer = authority.data.officers[0]!;
    // benchHospital keeps its officer key to itself: the service is given its key directly (what a published act
    // would name); publishing adds nothing to a request's latency.
    const custodian = new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);
    const envelope = sealEnvelope(
      { action: 'create', seq: 1, at: new Date().toISOString(), author: custodian.signKey },
      utf8('{"allergies":["penicillin"]}'),
      [custodian.boxKey, key.boxKey],
    );
    const chart = await signTransaction(
      makeCreate(
        { type: CHART_ASSET_TYPE, chart: randomBytes(16).toString('hex') },
        envelope as unknown as JsonObject,
        [ed25519Output(custodian.signKey)],
        [custodian.signKey],
      ),
      signerFor(custodian),
      { crypto: nativeLedgerCrypto },
    );
    await client.post(chart, 'commit');
    const service = new EmergencyService({
      ledger: client,
      authorityId: hospital.authorityId,
      key,
      maxGrants: requests + 10,
    });
    const running = service.run(stop.signal, pollMs, (error) => console.error(error));
    const emergencyKey = { signKey: key.signKey, boxKey: key.boxKey };
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      const request = await buildEmergencyRequest(
        { chart: chart.id },
        {
          authority: hospital.authorityId,
          requester: doctor,
          reason: 'unconscious',
          note: 'bench',
          noteReaders: [officer.boxKey],
          emergencyKey,
          officers: [officer.boxKey],
          crypto: nativeLedgerCrypto,
        },
      );
      await client.post(request, 'commit');
      for (;;) {
        const state = await readEmergencyRequest(client, request.id, key.signKey);
        if (state?.state === 'granted') {
          await openVersionWithWrap(envelope, state.wrap, state.expiresAt, doctor, new Date());
          break;
        }
        if (state?.state === 'refused') throw new Error(`refused: ${state.reason} ${state.detail}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      times.push(performance.now() - started);
    }
    stop.abort();
    await running;
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
    console.log(
      `emergency request → readable, ${requests} requests one at a time, service poll ${pollMs} ms, requester poll 50 ms:`,
    );
    console.log(
      `  median ${at(0.5).toFixed(0)} ms, p99 ${at(0.99).toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms`,
    );
  } finally {
    stop.abort();
    client.close();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// The set-up the v3 emergency desk tests share (docs/UNLINKABLE.md §9): the real embedded node over HTTP, a real 1-of-1
// hospital authority with a credentialed custodian and doctor, the emergency key in the real keychain (run in a D-Bus
// session with gnome-keyring) and published, a v3 chart of two versions written by the custodian, and the emergency
// service as its own process. Desks are chart services over the same node; `writeVersion` adds the custodian's next
// version (what a grant's later versions are made of).
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { CustodyPolicy } from '../../../src-shared/authority/custody';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { EmergencyRequestState } from '../../../src-shared/ipc/access';
import { thresholdDetails } from '../../../src-shared/ledger';
import { payloadOf } from '../../../src-shared/records/payload';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { createChartService, type ChartService } from '../../../src-main/records/chart-service';
import { cardTagOf } from '../../../src-main/records/card-chart-v3';
import { V3Counters } from '../../../src-main/records/v3-counters';
import { withRecovery } from '../../../src-main/records/version-builder';
import { buildCreateV3, buildVersionV3 } from '../../../src-main/records/version-builder-v3';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, tempDir, testCards } from '../charts/harness';
import { initEmergencyKey, ServiceProcess } from './service-process';
import { clearKeychains, settled, startTestLedger, TestAuthority, type TestLedger } from './fixture';

/** The patient's phone in the chart's version 2 (the head after `start`). */
export const SECOND_PHONE = '+44 20 7946 0099';

export const v3Holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);

type Head = Awaited<ReturnType<typeof buildCreateV3>>['head'];
type Payload = Awaited<ReturnType<typeof buildCreateV3>>['inner']['payload'];

/**
 * Iris Vale's v3 chart (or `name`'s, born 1984-03-09), created by `custodian` ('Dr Cora Custodian') for `patient`
 * under `custody` and committed on the node: its CREATE and the head to write the next version from.
 */
export async function createV3Chart(
  ledger: TestLedger,
  custodian: SeedKeyHolder,
  patient: SeedKeyHolder,
  custody: CustodyPolicy,
  counters = new V3Counters(),
  name = 'Iris Vale',
) {
  const first = withRecovery(
    payloadOf(
      sampleChart(name),
      { signKey: patient.signKey, boxKey: patient.boxKey },
      { signKey: custodian.signKey, boxKey: custodian.boxKey, name: 'Dr Cora Custodian' },
      [],
    ),
    custody,
  );
  const created = await buildCreateV3(custodian, first, {
    crypto: nativeLedgerCrypto,
    counters,
    custody,
    cardTag: cardTagOf(patient),
  });
  expect((await ledger.client.post(created.tx, 'commit')).value).toBe('committed');
  return created;
}

export class V3World {
  readonly officer = v3Holder();
  readonly recovery = v3Holder();
  readonly custodian = v3Holder();
  readonly patient = v3Holder();
  readonly doctor = v3Holder();
  readonly stranger = v3Holder();
  readonly keychain: string;
  ledger!: TestLedger;
  authority!: TestAuthority;
  emergency!: { signKey: string; boxKey: string };
  service!: ServiceProcess;
  chartId = '';
  /** The chart's head as the custodian last wrote it (version 2 after start). */
  headId = '';
  readonly desks: ChartService[] = [];
  #head: Head | null = null;
  #payload: Payload | null = null;
  #custody: CustodyPolicy | null = null;
  /** The custody policy the world's chart was created under (the authority's quorum, recovery and emergency keys). */
  get custody(): CustodyPolicy {
    return this.#custody!;
  }
  readonly #counters = new V3Counters();

  constructor(private readonly label: string) {
    this.keychain = `HealthChain-emergency-${label}-${randomBytes(6).toString('hex')}`;
  }

  /**
   * Everything above; `serviceArgs` are passed to the service process after its node, authority and keychain. With
   * `service: false` no service process is started (a test that runs its own passes).
   */
  async start(serviceArgs: string[] = [], { service = true } = {}): Promise<this> {
    this.ledger = await startTestLedger(`emergency-${this.label}`);
    this.authority = await TestAuthority.found(this.ledger.client, this.officer);
    await this.authority.issue(this.custodian, 'Dr Cora Custodian');
    await this.authority.issue(this.doctor, 'Dr Ada Okafor');
    this.emergency = await initEmergencyKey(this.keychain);
    await this.authority.publishEmergencyKey(this.emergency);
    this.#custody = {
      authorityId: this.authority.id,
      quorum: thresholdDetails(1, [this.officer.signKey]),
      recoveryKey: this.recovery.boxKey,
      emergencyKey: this.emergency.boxKey,
    };
    const created = await createV3Chart(this.ledger, this.custodian, this.patient, this.#custody, this.#counters);
    this.chartId = created.tx.id;
    this.#head = created.head;
    this.#payload = created.inner.payload;
    this.headId = await this.writeVersion(SECOND_PHONE);
    if (service) this.startService(serviceArgs);
    return this;
  }

  /** Starts (or, after a stop, restarts) the service process on this world's node, authority and keychain. */
  startService(serviceArgs: string[] = []): ServiceProcess {
    this.service = new ServiceProcess(
      [
        '--node',
        this.ledger.node.url,
        '--authority',
        this.authority.id,
        '--keychain-service',
        this.keychain,
        '--poll-ms',
        '100',
        ...serviceArgs,
      ],
      NODE_TOKEN,
    );
    return this.service;
  }

  /** The custodian's next version (an update unless `action` says), changing the patient's phone; its transaction id. */
  async writeVersion(phone: string, action: 'update' | 'revoke' = 'update'): Promise<string> {
    const payload = this.#payload!;
    const updated = await buildVersionV3(
      this.custodian,
      this.#head!,
      this.chartId,
      action,
      { ...payload, chart: { ...payload.chart, patient: { ...payload.chart.patient, phone } } },
      { crypto: nativeLedgerCrypto, counters: this.#counters, custody: this.#custody! },
    );
    expect((await this.ledger.client.post(updated.tx, 'commit')).value).toBe('committed');
    this.#head = updated.head;
    this.#payload = updated.inner.payload;
    this.headId = updated.tx.id;
    return updated.tx.id;
  }

  /**
   * A desk (a chart service as the app makes one); `cacheDir` is where a workstation keeps its local state,
   * `ledgerEnvelope` the envelope its new charts (and requests by patient identifiers) use.
   */
  async deskFor(label: string, cacheDir?: string, ledgerEnvelope?: 'v1' | 'v3'): Promise<ChartService> {
    const s = await createChartService({
      nodeUrls: [this.ledger.node.url],
      outboxDir: tempDir(`desk-v3-${label}`),
      cards: testCards(),
      client: { readTimeoutMs: 3000, postTimeoutMs: 5000, bearerTokenFor: () => NODE_TOKEN },
      verifyWorkers: 0,
      liveStream: false,
      authorityId: () => this.authority.id,
      emergencyKey: () => this.emergency,
      ...(cacheDir ? { cacheDir } : {}),
      ...(ledgerEnvelope ? { ledgerEnvelope: () => ledgerEnvelope } : {}),
    });
    this.desks.push(s);
    return s;
  }

  /** The request's state once the service answered it. */
  settled(desk: ChartService, who: SeedKeyHolder, requestId: string): Promise<EmergencyRequestState> {
    return settled(desk, who, requestId);
  }

  /** A node answer as raw text, what an observer reading the node gets. */
  async rawText(path: string): Promise<string> {
    const response = await fetch(`${this.ledger.node.url}${path}`, {
      headers: { Authorization: `Bearer ${NODE_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  }

  async stop(): Promise<void> {
    await this.service?.stop('SIGKILL');
    for (const s of this.desks) await s.close();
    await this.ledger?.stop();
    await clearKeychains(this.keychain);
  }
}

// The app's services and IPC registry, assembled the same way for Electron (main.ts) and for the test bridge
// (test/bridge): real vault, real chart service, real settings. Nothing here imports Electron; what differs
// (file dialog, browser, power events) comes in through options.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LockEvent, Variant } from '../../src-shared/ipc';
import { createRegistry, type Registry } from '../ipc/registry';
import { EventHub } from '../ipc/events';
import { toIpcFailure } from '../ipc/error-mapping';
import { DoctorSession, PatientSession, type ShellPort, type StatusPort } from '../ipc/handlers/context';
import { workstationHandlers } from '../ipc/handlers/workstation';
import { kioskHandlers } from '../ipc/handlers/kiosk';
import { chartServiceOf, type ChartService, type ChartServiceOptions } from '../records/chart-service';
import { openChartParts } from '../records/chart-parts';
import { v3QuorumMover } from '../records/quorum-move-v3';
import { HospitalDesk } from '../authority/hospital-desk';
import { RecoverySessions } from '../authority/recovery-sessions';
import { OutboxPoster } from '../ledger/outbox-poster';
import { EmergencyReviewDesk } from '../emergency/review-desk';
import { OfficerKeychain, type OfficerKeychainOptions } from '../authority/officer-keychain';
import { EMERGENCY_SERVICE, loadEmergencyKey } from '../emergency/emergency-key';
import type { SettingsService } from '../settings';
import {
  KeychainCardKey,
  PatientCards,
  Vault,
  type LockReason,
  type PatientCardOptions,
  type VaultOptions,
} from '../vault';
import { IdleTimer } from './idle-timer';
import { listCheckpointSetting } from './list-checkpoint-setting';
import { checkNetwork } from '../ledger/network-check';
import { nodeBase } from '../ledger/node-url';
import { NodeStatusMonitor, testNodeForSettings } from './node-status';

export interface CoreOptions {
  variant: Variant;
  /**
   * The app's data folder (outbox, settings); the kiosk writes only its card-attempt counters there
   * (`card-attempts.json`: no health data, see src-main/vault/attempt-state-file.ts).
   */
  dataDir: string;
  settings: SettingsService;
  /** URL of the embedded node when the app started one (no node URL configured). */
  embeddedNodeUrl: string | null;
  /** The embedded node's per-launch bearer token (with embeddedNodeUrl): sent to that node only. */
  embeddedNodeToken?: string | null;
  appVersion: string;
  shell: ShellPort;
  /** Tests: keychain service name, scrypt parameters. */
  vault?: VaultOptions;
  cards?: PatientCardOptions;
  /** Tests: the officer keychain's service name and scrypt parameters. */
  officers?: OfficerKeychainOptions;
  /** The keychain service of this machine's emergency key (default "HealthChain Emergency"; tests: their own). */
  emergencyKeychainService?: string;
  chartService?: Partial<Omit<ChartServiceOptions, 'nodeUrls' | 'outboxDir' | 'cards'>>;
  /** The built verification worker (out/main/verify-worker.js); development and tests run the TypeScript one. */
  verifyWorkerEntry?: URL;
  nodeProbeIntervalMs?: number;
  logError?: (channel: string, error: unknown) => void;
}

export interface Core {
  readonly registry: Registry;
  readonly events: EventHub;
  readonly charts: ChartService;
  /** Locks the doctor / signs the patient out, and tells the renderer why. */
  lockAll(reason: LockEvent['reason']): void;
  nodeUrlsInUse(): string[];
  /** Node URLs whose transaction pages may open in the browser (IT's and the embedded node's). */
  linkableNodeUrls(): string[];
  stop(): Promise<void>;
}

const VAULT_REASONS: Record<LockReason, LockEvent['reason']> = {
  manual: 'manual',
  idle: 'idle',
  'screen-lock': 'screen-lock',
  suspend: 'suspend',
  'signed-out': 'signed-out',
  deleted: 'signed-out',
};

export async function createCore(options: CoreOptions): Promise<Core> {
  const { variant, settings } = options;
  const events = new EventHub(variant);
  const nodeUrlsInUse = (): string[] => {
    const configured = settings.get().values.nodeUrls;
    if (configured.length > 0) return [...configured];
    return options.embeddedNodeUrl ? [options.embeddedNodeUrl] : [];
  };

  // A user-typed node URL is never trusted as a link target (#14): only IT's node URLs and the built-in node.
  const embeddedBase = options.embeddedNodeUrl ? nodeBase(options.embeddedNodeUrl) : null;
  const embeddedToken = options.embeddedNodeToken ?? null;
  /** The embedded node's per-launch token goes to that node only, never to a hospital's node. */
  const bearerTokenFor = (base: string): string | null =>
    embeddedBase !== null && base === embeddedBase ? embeddedToken : null;
  const linkableNodeUrls = (): string[] => [
    ...settings.managedNodeUrls(),
    ...(options.embeddedNodeUrl ? [options.embeddedNodeUrl] : []),
  ];

  // The kiosk keeps nothing: its (always empty) outbox lives in a scratch folder removed on stop.
  const outboxDir =
    variant === 'kiosk'
      ? await mkdtemp(path.join(tmpdir(), 'healthchain-kiosk-outbox-'))
      : path.join(options.dataDir, 'outbox');
  let charts: ChartService | null = null;
  const cards = new PatientCards({
    // The kiosk's counters of wrong PINs survive a restart (issue #14); the workstation opens no cards.
    ...(variant === 'kiosk' ? { attemptStateFile: path.join(options.dataDir, 'card-attempts.json') } : {}),
    // The hospital card key (src-main/vault/card-key.ts): a workstation on the embedded node (one machine) creates it
    // with the first card; where IT configured node URLs it must be installed, or two keys would print unreadable cards.
    cardKey: new KeychainCardKey({
      mayCreate: () => variant === 'workstation' && settings.get().values.nodeUrls.length === 0,
    }),
    ...options.cards,
    recognise: async (holder) => (charts ? charts.recognisePatient(holder) : false),
  });
  // The parts stay in reach: the hospital desk shares the chart service's node client and authority trust.
  const parts = await openChartParts({
    ...options.chartService,
    client: {
      ...options.chartService?.client,
      bearerTokenFor,
    },
    nodeUrls: nodeUrlsInUse,
    authorityId: () => settings.get().values.hospitalAuthority,
    ledgerEnvelope: () => settings.get().values.ledgerEnvelope,
    listCheckpoint: listCheckpointSetting(settings, options.chartService?.listCheckpoint),
    outboxDir,
    cards,
    liveStream: options.chartService?.liveStream ?? variant === 'workstation',
    ...(options.verifyWorkerEntry ? { verifyWorkerEntry: options.verifyWorkerEntry } : {}),
    // The kiosk keeps nothing; the workstation keeps what its doctors verified (ciphertext, MAC'd per identity).
    cacheDir:
      options.chartService?.cacheDir ??
      (variant === 'workstation' ? path.join(options.dataDir, 'verified-cache') : undefined),
  });
  charts = chartServiceOf(parts);
  const service = charts;
  // Verification workers start now, in the background, so the first chart opened does not wait for them.
  void service.warm().catch(() => undefined);

  const monitor = new NodeStatusMonitor({
    nodeUrls: nodeUrlsInUse,
    current: () => service.currentNodeUrl(),
    embeddedUrl: options.embeddedNodeUrl,
    pending: () => service.outbox().length,
    onChange: (status) => events.emit('nodeStatus', status),
    intervalMs: options.nodeProbeIntervalMs,
  });

  const doctor = new DoctorSession();
  const patient = new PatientSession();
  const kioskIdle = new IdleTimer(settings.get().values.kioskIdleSeconds * 1000, () => endPatientSession('kiosk-idle'));
  const stopSettingsWatch = settings.onChange((view) => {
    kioskIdle.setTimeoutMs(view.values.kioskIdleSeconds * 1000);
    void monitor.probe();
  });

  function endPatientSession(reason: LockEvent['reason']): void {
    kioskIdle.stop();
    const boxKey = patient.end();
    if (boxKey) service.forget(boxKey);
    events.emit('lock', { reason });
  }

  const status: StatusPort = {
    checkNetwork: () => checkNetwork(nodeUrlsInUse(), { bearerTokenFor }),
    status: () => ({
      variant,
      version: options.appVersion,
      node: monitor.status,
      signedIn: variant === 'kiosk' ? patient.active !== null : doctor.active !== null,
    }),
    refresh: async () => {
      await monitor.probe();
      return status.status();
    },
    testNode: (url) => testNodeForSettings(url),
    nodeUrlsInUse,
    linkableNodeUrls,
    activity: () => {
      if (variant === 'kiosk' && patient.active) kioskIdle.touch();
    },
  };

  let vault: Vault | null = null;
  // Recovery sessions' secrets (coordinator side) live in memory only and are wiped on stop.
  const recoverySessions = new RecoverySessions();
  let registry: Registry;
  const registryOptions = { mapError: toIpcFailure, logError: options.logError };
  if (variant === 'workstation') {
    vault = new Vault(options.vault);
    // The authority's acts go through the chart service's outbox: queued while no node answers, retried by its sender.
    const acts = new OutboxPoster(parts.outbox, parts.sender);
    const hospital = new HospitalDesk(
      parts.client,
      new OfficerKeychain(options.officers),
      parts.authority,
      // Setting up the hospital on this machine also creates the emergency service's key and publishes it.
      async () => {
        const key = await loadEmergencyKey(options.emergencyKeychainService ?? EMERGENCY_SERVICE, true);
        const published = { signKey: key.signKey, boxKey: key.boxKey };
        key.lock();
        return published;
      },
      acts,
      v3QuorumMover(parts.client),
    );
    vault.onLock((id, reason) => {
      const active = doctor.active;
      if (active?.id !== id) return;
      doctor.clear();
      service.forget(active.holder.boxKey);
      events.emit('lock', { reason: VAULT_REASONS[reason] });
    });
    registry = createRegistry(
      'workstation',
      workstationHandlers({
        vault,
        charts: service,
        settings,
        session: doctor,
        shell: options.shell,
        status,
        hospital,
        recoverySessions,
        emergencyReview: new EmergencyReviewDesk(parts.client, hospital, acts),
      }),
      registryOptions,
    );
  } else {
    registry = createRegistry(
      'kiosk',
      kioskHandlers({
        charts: service,
        settings,
        patient,
        status,
        onSignedOut: (reason) => {
          kioskIdle.stop();
          events.emit('lock', { reason });
        },
      }),
      registryOptions,
    );
  }

  const stopChartEvents = service.onChange((event) => {
    if (event === 'outbox') monitor.pendingChanged();
    if ((event === 'recent' || event === 'outbox') && doctor.active) {
      events.emit('recentActions', { actions: service.recentActions(doctor.active.holder) });
    }
  });
  monitor.start();

  return {
    registry,
    events,
    charts: service,
    nodeUrlsInUse,
    linkableNodeUrls,
    lockAll(reason) {
      if (variant === 'kiosk') endPatientSession(reason);
      else vault?.lockAll(reason === 'kiosk-idle' ? 'idle' : reason);
    },
    async stop() {
      monitor.stop();
      kioskIdle.stop();
      stopSettingsWatch();
      stopChartEvents();
      patient.end();
      recoverySessions.endAll();
      vault?.lockAll('signed-out');
      await service.close();
      if (variant === 'kiosk') await rm(outboxDir, { recursive: true, force: true });
    },
  };
}

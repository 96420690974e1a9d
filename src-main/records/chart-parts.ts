// The parts the chart service is made of, opened and closed together: the node client, the outbox and its sender,
// verification (worker pool or inline), the verified cache, the loader, the practitioner directory, the pinned hospital
// authority, the node's event stream, recent actions, who is signed in, and the change events. The reader and the writer each take what they need
// from here; nothing outside src-main/records and test-only modules under test/ holds the parts themselves.
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { CheckpointPolicy } from './checkpoint/list-checkpoints';
import type { CryptoProvider } from '../../src-shared/ledger';
import { inlineValidator, type AnswerValidator } from '../ledger/answer-validation';
import { LedgerNodeClient, type NodeClientOptions } from '../ledger/node-client';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { Outbox } from '../ledger/outbox';
import { OutboxSender, type OutboxSenderOptions } from '../ledger/outbox-sender';
import { ValidTransactionStream } from '../ledger/stream';
import { VerifiedCache } from '../ledger/verified-cache';
import { VerifyPool } from '../ledger/verify-pool';
import type { AuthorityTrust } from '../authority/trust';
import type { FhirValidator } from './fhir-validator-pool';
import type { FhirImportResult } from '../../src-shared/records/fhir-import';
import { ChartAuthorship } from './chart-authorship';
import { ChartLoader } from './chart-loader';
import type { PractitionerDirectory } from './practitioners';
import { directoryOver } from './directory-parts';
import { RecentActions } from './recent-actions';

/** The vault's card API (src-main/vault PatientCards): a card makes a new read-only patient identity. */
/**
 * Charts in flight in a list. 64, not 32: at 32 the list's main thread idled about a third of a cold list (waiting on
 * the node and the verify worker); a same-run comparison at 10,000 charts (docs/BENCHMARKS.md, 2026-12-05 09:30)
 * gave a 0.79 wall ratio for 64 against 32. HTTP connections per node stay 32 (http-transport.ts): the rest wait in
 * the client's queue, already parsed work ahead of them.
 */
export const DEFAULT_LIST_CONCURRENCY = 64;

export interface CardIssuer {
  create(
    pin: string,
  ): Promise<{ code: string; qrSvg: string; qrDataUrl: string; holder: KeyHolder & { lock?(): void } }>;
  open?(code: string, pin: string): Promise<KeyHolder>;
  /** The card re-printed naming the chart it was issued for (a version 3 code: the kiosk opens exactly that chart). */
  forChart?(code: string, chartId: string): Promise<{ code: string; qrSvg: string; qrDataUrl: string }>;
}

export interface ChartServiceOptions {
  /** Node URLs, or a getter (e.g. over SettingsService) so managed changes apply at once. */
  nodeUrls: readonly string[] | (() => readonly string[]);
  /** Where the outbox keeps signed transactions until committed. */
  outboxDir: string;
  cards: CardIssuer;
  crypto?: CryptoProvider;
  client?: Omit<NodeClientOptions, 'nodeUrls'>;
  sender?: OutboxSenderOptions;
  /** Follow the node's WebSocket stream for live recent actions (default true). */
  liveStream?: boolean;
  /** Charts read and verified at once when listing (default `DEFAULT_LIST_CONCURRENCY`). */
  listConcurrency?: number;
  /**
   * The doctor's list checkpoint on the ledger (docs/UNLINKABLE.md §14): when a new one is written (defaults in
   * checkpoint/list-checkpoints.ts); false: none read, none written. A getter is read at every list (the app's
   * `listCheckpoints` setting), so IT turning it off holds from the next list, without a restart.
   */
  listCheckpoint?: Partial<CheckpointPolicy> | false | (() => Partial<CheckpointPolicy> | false);
  /**
   * Verification worker threads (default: one fewer than the cores, at least one, at most 4; 0 = verify on the calling
   * thread) and, in the built app, the worker's entry file (out/main/verify-worker.js).
   */
  verifyWorkers?: number;
  verifyWorkerEntry?: URL;
  /**
   * Where the workstation keeps what its identities have verified (ciphertext only, MAC'd per identity), so a
   * restart does not re-fetch and re-verify every chart. None: everything is fetched and verified every session.
   */
  cacheDir?: string;
  /** How many recent versions get() decrypts for diffs (default 50); history() decrypts all. */
  historyWindow?: number;
  /** The pinned hospital authority id ('' for none), read at every use (the `hospitalAuthority` setting). */
  authorityId?: () => string;
  /**
   * The envelope new charts are created in, read at every create (the `ledgerEnvelope` setting; default 'v1'). A
   * chart's later versions keep the envelope of its CREATE (chart-writer-v3.ts).
   */
  ledgerEnvelope?: () => 'v1' | 'v3';
  /**
   * Checks FHIR input against the official R4 definitions before an import (default: on the calling thread, loaded
   * at the first import). A bulk import passes a FhirValidatorPool, so validation runs beside sealing and posting.
   */
  fhirValidator?: FhirValidator;
  /**
   * Reads a valid bundle into a chart (default `fhirToChart` on the calling thread). A bulk import passes one that
   * answers what it converted ahead, while the identity was still unlocking (cli/import-lookahead.ts).
   */
  fhirConverter?: (bundle: unknown) => FhirImportResult;
  /**
   * The hospital's emergency service's public keys (docs/EMERGENCY.md), read at every use; null or absent: no
   * emergency access (requests refused here, the access history says so).
   */
  emergencyKey?: () => EmergencyKeyRef | null | Promise<EmergencyKeyRef | null>;
}

/** The emergency service's public keys (docs/EMERGENCY.md, "Publishing the emergency key"). */
export interface EmergencyKeyRef {
  signKey: string;
  boxKey: string;
}

/** What changed, for pushing to the renderer: the outbox, or this doctor's recent actions. */
export type ChartServiceEvent = 'outbox' | 'recent';

export class ChartEvents {
  private readonly listeners = new Set<(event: ChartServiceEvent) => void>();

  emit(event: ChartServiceEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  on(listener: (event: ChartServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The identities that used the service this session (the stream's events are matched against them). */
export class Viewers {
  private readonly bySignKey = new Map<string, KeyHolder>();

  remember(holder: KeyHolder): void {
    this.bySignKey.set(holder.signKey, holder);
  }

  get(signKey: string): KeyHolder | undefined {
    return this.bySignKey.get(signKey);
  }

  get size(): number {
    return this.bySignKey.size;
  }

  /** Forgets one viewer (by box key) or all; returns the sign keys still remembered. */
  forget(boxKey?: string): string[] {
    for (const [signKey, h] of this.bySignKey) if (!boxKey || h.boxKey === boxKey) this.bySignKey.delete(signKey);
    return [...this.bySignKey.keys()];
  }
}

export interface ChartParts {
  readonly options: ChartServiceOptions;
  readonly crypto: CryptoProvider;
  readonly client: LedgerNodeClient;
  readonly outbox: Outbox;
  readonly sender: OutboxSender;
  readonly validator: AnswerValidator;
  readonly cache: VerifiedCache | null;
  readonly loader: ChartLoader;
  readonly directory: PractitionerDirectory;
  /** The pinned hospital authority and its credential registry (docs/AUTHORITY.md). */
  readonly authority: AuthorityTrust;
  /** Checks chart versions' authors against it (heights cached); fed heights by the node's stream. */
  readonly authors: ChartAuthorship;
  readonly stream: ValidTransactionStream;
  readonly recent: RecentActions;
  readonly viewers: Viewers;
  readonly events: ChartEvents;
}

export async function openChartParts(options: ChartServiceOptions): Promise<ChartParts> {
  const crypto = options.crypto ?? nativeLedgerCrypto;
  const client = new LedgerNodeClient({ nodeUrls: options.nodeUrls, ...options.client });
  const outbox = await Outbox.open(options.outboxDir);
  const sender = new OutboxSender(outbox, client, options.sender);
  const validator: AnswerValidator =
    options.verifyWorkers === 0
      ? inlineValidator(crypto)
      : new VerifyPool({
          crypto,
          ...(options.verifyWorkers ? { size: options.verifyWorkers } : {}),
          ...(options.verifyWorkerEntry
            ? { entry: options.verifyWorkerEntry }
            : { module: new URL('./verify-worker-v3.ts', import.meta.url) }),
        });
  const cache = options.cacheDir ? VerifiedCache.open(options.cacheDir) : null;
  // The registry's credentials are validated in the same workers as the charts (hundreds at a list's start).
  const { authority, directory } = directoryOver(client, crypto, options.authorityId, validator);
  const authors = new ChartAuthorship(authority, client);
  return {
    options,
    crypto,
    client,
    outbox,
    sender,
    validator,
    cache,
    loader: new ChartLoader(client, { crypto, validator, cache, authors }),
    directory,
    authority,
    authors,
    stream: new ValidTransactionStream(client),
    recent: new RecentActions(),
    viewers: new Viewers(),
    events: new ChartEvents(),
  };
}

/** Flushes in-flight posts and stops the retry loop and the stream. Pending items stay on disk. */
export async function closeChartParts(parts: ChartParts): Promise<void> {
  parts.sender.stop();
  parts.stream.stop();
  await parts.sender.idle();
  await parts.outbox.close();
  await parts.validator.close();
  await parts.cache?.idle();
  await parts.cache?.close();
  parts.client.close();
}

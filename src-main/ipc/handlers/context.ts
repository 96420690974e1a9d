// What the handlers need from the running app, as small interfaces: the real services (vault, chart service,
// settings) plus the few things that differ between Electron and the test bridge (file dialog, browser, status).
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import { IpcFailure, type AppStatus, type NetworkCheck, type NodeTestResult } from '../../../src-shared/ipc';
import type { ChartService } from '../../records/chart-service';
import type { SettingsService } from '../../settings';
import type { Vault } from '../../vault';
import type { EmergencyReviewDesk } from '../../emergency/review-desk';
import type { HospitalDesk } from '../../authority/hospital-desk';
import type { RecoverySessions } from '../../authority/recovery-sessions';

export interface ShellPort {
  /** Asks where to save (Electron: save dialog) and writes the file; null when the user cancelled. */
  saveFile(suggestedName: string, content: string): Promise<string | null>;
  /** Opens a URL in the user's browser; only called with vetted URLs. */
  openExternal(url: string): Promise<void>;
}

export interface StatusPort {
  status(): AppStatus;
  /** Re-probes the node in use now and returns the fresh status. */
  refresh(): Promise<AppStatus>;
  testNode(url: string): Promise<NodeTestResult>;
  /** The node URLs the app reads from and writes to (configured, or the embedded node). */
  nodeUrlsInUse(): string[];
  /** Checks the nodes in use as one network (src-main/ledger/network-check.ts), with the embedded node's token. */
  checkNetwork(): Promise<NetworkCheck>;
  /** Node URLs whose pages may open in the browser: IT's and the embedded node's, never one a user typed. */
  linkableNodeUrls(): string[];
  /** The user did something: postpones idle sign-out. */
  activity(): void;
}

/** The doctor signed in on this workstation (one at a time). */
export class DoctorSession {
  #active: { id: string; holder: KeyHolder } | null = null;

  get active(): { id: string; holder: KeyHolder } | null {
    return this.#active;
  }

  set(id: string, holder: KeyHolder): void {
    this.#active = { id, holder };
  }

  clear(): void {
    this.#active = null;
  }

  require(): { id: string; holder: KeyHolder } {
    if (!this.#active) throw new IpcFailure('LOCKED', 'You are signed out. Sign in to continue.');
    return this.#active;
  }
}

/** The patient whose card is open on the kiosk (memory only). */
export class PatientSession {
  #active: { holder: KeyHolder & { lock?(): void }; chartId: string; patientName: string } | null = null;

  get active() {
    return this.#active;
  }

  set(session: { holder: KeyHolder & { lock?(): void }; chartId: string; patientName: string }): void {
    this.end();
    this.#active = session;
  }

  require() {
    if (!this.#active) throw new IpcFailure('LOCKED', 'Your session has ended. Sign in again with your card.');
    return this.#active;
  }

  /** Wipes the patient's key; returns the box key whose decrypted data must now be forgotten. */
  end(): string | null {
    const active = this.#active;
    this.#active = null;
    if (!active) return null;
    active.holder.lock?.();
    return active.holder.boxKey;
  }
}

export interface WorkstationContext {
  vault: Vault;
  charts: ChartService;
  settings: SettingsService;
  session: DoctorSession;
  shell: ShellPort;
  status: StatusPort;
  /** The hospital authority's desk (first run, IT screen): workstation only. */
  hospital: HospitalDesk;
  /** Recovery sessions this machine coordinates (secrets in memory only): workstation only. */
  recoverySessions: RecoverySessions;
  /** The privacy officer's review of emergency access (Hospital section): workstation only. */
  emergencyReview: EmergencyReviewDesk;
}

export interface KioskContext {
  charts: ChartService;
  settings: SettingsService;
  patient: PatientSession;
  status: StatusPort;
  /** Called when a patient signs out (or is signed out): emits the lock event. */
  onSignedOut(reason: 'signed-out'): void;
}

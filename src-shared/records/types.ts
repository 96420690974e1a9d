// What the chart service returns to the app (over IPC, so plain JSON: no class instances, no Uint8Array).
import type { Chart } from './chart';
import type { ChartDiffEntry } from './diff';

export type ChartAction = 'create' | 'update' | 'share' | 'unshare' | 'custody' | 'revoke' | 'restore';
export const CHART_ACTIONS: readonly ChartAction[] = ['create', 'update', 'share', 'unshare', 'custody', 'revoke', 'restore'];

/** A doctor's public directory entry (asset `hc.practitioner/1`); no patient data. */
export interface Practitioner {
  name: string;
  specialty: string;
  /** base58 Ed25519 public key: the BigchainDB owner key. */
  signKey: string;
  /** base58 X25519 public key: charts are shared to it. */
  boxKey: string;
  /** The CREATE transaction that published the entry (null while it waits in the outbox). */
  txId: string | null;
}

/** Someone who can open the current version: the data key is wrapped to `boxKey`. */
export interface ReaderInfo {
  boxKey: string;
  role: 'custodian' | 'author' | 'patient' | 'doctor';
  /** From the practitioner directory when known. */
  name: string | null;
  signKey: string | null;
}

export interface PersonRef {
  signKey: string;
  /** From the practitioner directory; null for a key that published none. */
  name: string | null;
}

export type VersionStatus = 'committed' | 'pending' | 'tampered';

export interface VersionInfo {
  seq: number;
  action: ChartAction;
  author: PersonRef;
  /** Owner of the chart's output after this version (the custodian). */
  custodian: PersonRef;
  /** ISO time the author wrote into the envelope. */
  at: string;
  txId: string;
  /** `<nodeUrl>/api/v1/transactions/<txId>`: where anyone can look the transaction up; null while pending. */
  link: string | null;
  /** Field-level changes against the previous version ([] when not readable or nothing changed). */
  diff: ChartDiffEntry[];
  status: VersionStatus;
  /** Why the version is tampered (the exact failed check), or the rejection/last error while pending. */
  reason: string | null;
  /** base58 box keys the version's data key was wrapped to. */
  readers: string[];
  /** False when the viewer is not among `readers` (e.g. after being unshared): the version verifies but does not open. */
  readable: boolean;
  /**
   * True when the version was decrypted and `diff` is its real diff. Opening a chart decrypts only its recent
   * versions (every version is still verified); `history()` decrypts them all.
   */
  opened: boolean;
  /** The author's note for this version (e.g. why a chart was revoked); null when none or not opened. */
  note: string | null;
}

export interface ChartSummary {
  /** The chart's asset id (= id of its CREATE transaction). */
  chartId: string;
  patientName: string;
  birthDate: string;
  age: number | null;
  gender: Chart['patient']['gender'];
  custodian: PersonRef;
  revoked: boolean;
  seq: number;
  lastAction: ChartAction;
  lastAt: string;
  /** 'tampered' charts carry no patient data: only the reason. */
  status: 'ok' | 'pending' | 'tampered';
  reason: string | null;
  /** The viewer owns the chart's current output and may write versions. */
  isCustodian: boolean;
}

export interface ChartView {
  chartId: string;
  /** The current version's chart; null when it cannot be shown (tampered, or not readable by the viewer). */
  chart: Chart | null;
  revoked: boolean;
  custodian: PersonRef;
  /** Patient identity of the chart (from the access card); null until a card is issued. */
  patient: { boxKey: string; signKey: string } | null;
  readers: ReaderInfo[];
  head: VersionInfo;
  /** Oldest first. */
  versions: VersionInfo[];
  /** The first failure found, if any: the chart is then shown as tampered, never as data. */
  tampered: { seq: number | null; txId: string | null; reason: string } | null;
  pending: boolean;
  isCustodian: boolean;
}

export type CheckName = 'id' | 'signatures' | 'schema' | 'chain' | 'owner' | 'envelope';

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  detail: string;
}

export interface VersionCheck {
  seq: number | null;
  txId: string;
  link: string;
  ok: boolean;
  checks: CheckResult[];
  /** The first failed check's reason. */
  reason: string | null;
}

export interface VerificationReport {
  chartId: string;
  ok: boolean;
  nodeUrl: string;
  checkedAt: string;
  versions: VersionCheck[];
  reason: string | null;
}

export type OutboxState = 'pending' | 'rejected';

/** A signed transaction waiting in the outbox. The stored record (src-main/ledger/outbox-record.ts) extends this. */
export interface OutboxItem {
  txId: string;
  kind: 'chart' | 'practitioner';
  chartId: string | null;
  action: ChartAction | 'publish';
  seq: number | null;
  createdAt: string;
  attempts: number;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  /** Last network error, or the node's rejection reason for a 'rejected' item. */
  lastError: string | null;
  state: OutboxState;
}

export interface RecentAction {
  txId: string;
  chartId: string;
  action: ChartAction;
  seq: number;
  at: string;
  /** Decrypted for the signed-in doctor; null when the version cannot be opened. */
  patientName: string | null;
  status: 'committed' | 'pending' | 'rejected';
}

/** What `createChart` returns: the patient's access card is shown/printed once and never stored. */
export interface CreatedChart {
  chartId: string;
  txId: string;
  status: 'committed' | 'pending';
  card: PatientCardInfo;
}

/** A patient's access card, shown and printed once: the workstation keeps none of it. */
export interface PatientCardInfo {
  code: string;
  /** QR of the code as an SVG document and as a PNG data URL, for printing. */
  qrSvg: string;
  qrDataUrl: string;
  patientSignKey: string;
  patientBoxKey: string;
}

export interface WriteResult {
  chartId: string;
  txId: string;
  seq: number;
  status: 'committed' | 'pending';
}

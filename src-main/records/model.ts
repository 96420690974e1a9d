// The chart service's own view of a chart, main-only: everything it verified and opened, richer than what crosses
// IPC (reader roles, per-version readability and checks). The renderer sees only the IPC contract's types
// (src-shared/ipc/data.ts), made from these in one place (contract-views.ts). Names differ from the contract's on
// purpose: a `ChartState` is never a `ChartView`.
import type { PersonRef } from '../../src-shared/ipc/data';
import type { ChartAction } from '../../src-shared/records/actions';
import type { Chart } from '../../src-shared/records/chart';
import type { ChartDiffEntry } from '../../src-shared/records/diff';
import type { CheckResult } from '../ledger/chain';

export type { ChartAction, PersonRef };

/** Someone who can open the current version: the data key is wrapped to `boxKey`. */
export interface ReaderInfo {
  boxKey: string;
  /**
   * 'recovery': the hospital's recovery key (docs/AUTHORITY.md); 'emergency': its emergency key (docs/EMERGENCY.md).
   * Readers that are no person.
   */
  role: 'custodian' | 'author' | 'patient' | 'doctor' | 'recovery' | 'emergency';
  /** From the practitioner directory when known. */
  name: string | null;
  signKey: string | null;
}

/** `unknown-author`: verifies, but its author held no valid credential of the pinned authority at its position. */
export type VersionStatus = 'committed' | 'pending' | 'tampered' | 'unknown-author';

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
  /** Why the version is tampered or of unknown author (the exact failed check), or the rejection/last error while pending. */
  reason: string | null;
  /** base58 box keys the version's data key was wrapped to. */
  readers: string[];
  /** False when the viewer is not among `readers` (e.g. after being unshared): the version verifies but does not open. */
  readable: boolean;
  /** True when the version was decrypted and `diff` is its real diff (a chart opens only its recent versions). */
  opened: boolean;
  /** The author's note for this version (e.g. why a chart was revoked); null when none or not opened. */
  note: string | null;
}

/** A chart as the service verified and opened it for one viewer. */
export interface ChartState {
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
  /**
   * With a hospital authority pinned, the first version whose author held no valid credential at its position: the
   * chart is then "unknown author", never Verified, and its current data is not shown (earlier versions still are).
   */
  authorship?: { seq: number; txId: string; reason: string } | null;
  pending: boolean;
  isCustodian: boolean;
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

/** Every check of every version of one chart, as the Verify panel re-ran them against the node. */
export interface ChainReport {
  chartId: string;
  ok: boolean;
  nodeUrl: string;
  checkedAt: string;
  versions: VersionCheck[];
  reason: string | null;
}

/** A doctor's directory entry as the service keeps it (the contract's Practitioner adds `trusted`, drops `txId`). */
export interface DirectoryEntry {
  name: string;
  specialty: string;
  /** base58 Ed25519 public key: the BigchainDB owner key. */
  signKey: string;
  /** base58 X25519 public key: charts are shared to it. */
  boxKey: string;
  /**
   * The CREATE transaction that published the entry (null while it waits in the outbox); with a hospital authority
   * pinned, the credential's id.
   */
  txId: string | null;
  /** From the practitioner's credential (only when a hospital authority is pinned). */
  licence?: string;
}

/** One of the signed-in doctor's own versions, as RecentActions tracks it. */
export interface RecentEntry {
  txId: string;
  chartId: string;
  action: ChartAction;
  seq: number;
  at: string;
  /** Decrypted for the signed-in doctor; null when the version cannot be opened. */
  patientName: string | null;
  status: 'committed' | 'pending' | 'rejected';
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

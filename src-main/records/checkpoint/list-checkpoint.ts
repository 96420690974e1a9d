// What a list checkpoint holds (docs/UNLINKABLE.md §14): the doctor's chart list as one of its workstations verified
// it, so that a new workstation lists without fetching and re-verifying every version (the cold list's floor,
// §12 twentieth part). Per v3 chart: its id, its head (transaction, place, the key the node lists its output under)
// and the line the list shows; the discovery state (list walk, intro counters) the catch-up goes on from; and the
// pinned authority the verdicts were reached under. No chart secret and no chart data beyond the list's line.
//
// The bytes go to the ledger sealed to the doctor alone (checkpoint-store.ts): deflated JSON, so a list of 10,000
// charts is a few 256 KiB boxes. Reading refuses anything that does not parse to exactly this shape, with a reason.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { CHART_STATUSES } from '../../../src-shared/ipc/data';
import { HEX64 } from '../../../src-shared/ledger/patterns';
import { stateFromJson, stateToJson, type DiscoveryState } from '../discovery/discovery-state';

/** The line a chart shows in the list, as verified when the checkpoint was written. */
export interface CheckpointLine {
  readonly patientName: string;
  readonly status: (typeof CHART_STATUSES)[number];
  readonly updatedAt: string;
  /** The head's custodian: its signing key and the name the chart gives it (the directory's name wins when shown). */
  readonly custodian: { readonly signKey: string; readonly label: string };
}

export interface CheckpointEntry {
  readonly chartId: string;
  readonly seq: number;
  readonly headTxId: string;
  /** The key the node lists the head's output under (the freshness check's question, fresh-heads.ts). */
  readonly outputKey: string;
  readonly line: CheckpointLine;
}

export interface ListCheckpoint {
  readonly writtenAt: string;
  /** The hospital authority pinned when the verdicts were reached (null: none). Another pinned: not used. */
  readonly authorityId: string | null;
  readonly discovery: DiscoveryState;
  /** Charts the list showed verified. */
  readonly entries: readonly CheckpointEntry[];
  /** Charts found but not shown verified (tampered, unknown author, waiting): a reader verifies these in full. */
  readonly recheck: readonly string[];
}

const FORMAT = 1;
/** A list of 100,000 charts is ~20 MB of JSON: anything larger is not a checkpoint this code wrote. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

const chartId = z.string().regex(HEX64);
const key = z.string().min(32).max(64);

const checkpointSchema = z.strictObject({
  v: z.literal(FORMAT),
  writtenAt: z.iso.datetime({ offset: true }),
  authorityId: z.string().max(200).nullable(),
  // The sealed discovery file's own format (discovery-state.ts), checked by its own reader below.
  discovery: z.unknown(),
  entries: z.array(
    z.tuple([
      chartId,
      z.number().int().min(1),
      chartId,
      key,
      z.string().max(1000),
      z.enum(CHART_STATUSES),
      z.iso.datetime({ offset: true }),
      key,
      z.string().max(1000),
    ]),
  ),
  recheck: z.array(chartId),
});

export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

export function encodeCheckpoint(checkpoint: ListCheckpoint): Uint8Array {
  const json = JSON.stringify({
    v: FORMAT,
    writtenAt: checkpoint.writtenAt,
    authorityId: checkpoint.authorityId,
    discovery: stateToJson(checkpoint.discovery),
    // Rows, not objects: the names would be most of the bytes.
    entries: checkpoint.entries.map((e) => [
      e.chartId,
      e.seq,
      e.headTxId,
      e.outputKey,
      e.line.patientName,
      e.line.status,
      e.line.updatedAt,
      e.line.custodian.signKey,
      e.line.custodian.label,
    ]),
    recheck: checkpoint.recheck,
  });
  return new Uint8Array(deflateRawSync(json, { level: 6 }));
}

export function decodeCheckpoint(bytes: Uint8Array): ListCheckpoint {
  let text: string;
  try {
    text = inflateRawSync(bytes, { maxOutputLength: MAX_JSON_BYTES }).toString('utf8');
  } catch (error) {
    throw new CheckpointFormatError(`The list checkpoint does not inflate: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CheckpointFormatError('The list checkpoint is not JSON');
  }
  const result = checkpointSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CheckpointFormatError(
      `The list checkpoint is malformed at ${issue?.path.join('.') || 'its root'}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  const c = result.data;
  const discovery = stateFromJson(c.discovery);
  if (!discovery)
    throw new CheckpointFormatError('The list checkpoint is malformed at discovery: not a discovery state');
  return {
    writtenAt: c.writtenAt,
    authorityId: c.authorityId,
    discovery,
    entries: c.entries.map(([id, seq, headTxId, outputKey, patientName, status, updatedAt, signKey, label]) => ({
      chartId: id,
      seq,
      headTxId,
      outputKey,
      line: { patientName, status, updatedAt, custodian: { signKey, label } },
    })),
    recheck: c.recheck,
  };
}

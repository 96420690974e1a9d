// Opening an envelope v3 chain in two halves (docs/UNLINKABLE.md §12, "Fifteenth part"), so a list of thousands of
// charts uses both cores: on the calling thread only what needs the reader's key — each version's slot (one X25519,
// the slot tag from the previous version's secret) and box — and, in a verification worker, everything else
// openChartV3 does: the links' validation, the inner schema, the place, author and output checks, the owner keys.
// The worker runs openChartV3 itself, the same function and checks, with the boxes opened here in place of the slots
// (its `openBox`): the same verdicts as opening on one thread, failures named at the same version.
//
// The worker gets the opened inner envelopes (the chart's content and secrets), never a key of the reader: it can
// read these versions, which the main thread was reading anyway, and nothing else (docs/SECURITY.md, "Verification
// workers"). Nothing is kept there after the task.
import { decodeKey32, fromBase64 } from '../../src-shared/crypto/bytes';
import { EnvelopeError, type EnvelopeProblem, type EnvelopeReaderKey } from '../../src-shared/crypto/envelope';
import type { Transaction } from '../../src-shared/ledger';
import { openV3, type V3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import { CHART_SECRET_LENGTH } from '../../src-shared/unlinkable/owner-keys';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { secretboxOpen } from '../crypto/secretbox';
import { slotTagNative } from '../crypto/unlinkable-keys';
import { openKeyedSlotNative } from '../crypto/keyed-slot';
import { readerSlotKeys } from './v3-slot-keys';
import { validateWithinAnswer, type AnswerValidator } from '../ledger/answer-validation';
import { linkChain, openChartV3, type OpenedV3Version, type V3Chain } from './version-opener-v3';

export const OPEN_V3_TASK = 'open-v3';
const LIST_TAG = /^[0-9a-f]{32}$/;

/** A version's box as the reader opened it, or why it did not open (openV3's EnvelopeError, or another error). */
export type ReaderBox = { inner: Uint8Array } | { problem: EnvelopeProblem | null; message: string };

export interface OpenV3Input {
  assetId: string;
  /** The node's answer for the chart, as JSON text (the worker parses its own copy). */
  json: string;
  boxKey: string;
  /** Per link of the chain (linkChain's order), up to where openChartV3 stops asking. */
  boxes: ReaderBox[];
  /** The reader's clock when the list asked (ms). */
  now: number;
}

/** V3Chain without the transactions (the caller has them: the same answer). */
export type WireV3Chain = Omit<V3Chain, 'versions'> & { versions: Omit<OpenedV3Version, 'tx'>[] };

const SECRET_KEY = Buffer.from('"secret":"');
const CUSTODIAN_BOX_KEY = Buffer.from('"custodian":{"boxKey":"');

/**
 * The chart's secret an opened inner envelope names, for the next version's slot tag, read without parsing: the
 * inner envelope is canonical JSON, whose last key `"secret":"` (after `payload`, before `seq` and `type`) is the
 * top-level one. Only a hint: a wrong or absent one (a forged box) costs the next version a trial of every slot, and
 * the worker's schema judges the box itself.
 */
function secretOf(inner: Uint8Array): Uint8Array | null {
  const text = lastStringAfter(inner, SECRET_KEY);
  if (text === null) return null;
  try {
    const secret = fromBase64(text);
    return secret.length === CHART_SECRET_LENGTH ? secret : null;
  } catch {
    return null;
  }
}

/**
 * The custodian's box key an opened inner envelope names, for the next version's keyed slot, read without parsing:
 * in canonical JSON the payload's `custodian` (keys sorted: `boxKey` first) is the last object under that key (what
 * follows it — doctors, keys, note, quorum, secrets — holds none). Only a hint, as secretOf's: a wrong one costs the
 * keyed trial, and the slot is then tried as a sealed box.
 */
function custodianOf(inner: Uint8Array): string | null {
  const text = lastStringAfter(inner, CUSTODIAN_BOX_KEY);
  return text === null || text.length > 64 ? null : text;
}

/** The string after the last `key` (which ends with its opening quote) up to the next quote, or null. */
function lastStringAfter(inner: Uint8Array, key: Buffer): string | null {
  const bytes = Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
  const start = bytes.lastIndexOf(key);
  if (start < 0) return null;
  const from = start + key.length;
  const end = bytes.indexOf(0x22, from);
  return end < 0 ? null : bytes.toString('latin1', from, end);
}

/**
 * The metadata's fields openV3 reads, without the schema: the worker's openChartV3 parses the metadata in full before
 * it asks for the box, so a malformed one is named there, as when opening on one thread; here only what opening needs.
 */
function metadataToOpen(metadata: unknown): V3Metadata {
  const m = metadata as Partial<Record<'slots' | 'box' | 'nonce', unknown>> | null;
  if (typeof m?.slots !== 'string' || typeof m.box !== 'string' || typeof m.nonce !== 'string')
    throw new EnvelopeError('malformed', 'The v3 envelope is malformed');
  return m as V3Metadata;
}

/**
 * The reader's half: each link's slot and box, in chain order, with the slot tag openChartV3 would use (the previous
 * version's, the creator's for a CREATE). Stops where openChartV3 stops reading boxes: after a box that does not
 * open, and at the first version closed to a reader who opened an earlier one.
 */
export async function readerBoxes(
  links: readonly Transaction[],
  reader: EnvelopeReaderKey,
  creatorSlotTag?: (listTag: string) => Uint8Array | null,
): Promise<ReaderBox[]> {
  const myKey = decodeKey32(reader.boxKey);
  if (!myKey) throw new TypeError('The reader has no 32-byte box key');
  const boxes: ReaderBox[] = [];
  let previousSecret: Uint8Array | null = null;
  let previousCustodian: string | null = null;
  let openedAny = false;
  for (let i = 0; i < links.length; i++) {
    const tx = links[i]!;
    const chart = (tx.asset as { data?: { chart?: unknown } } | null)?.data?.chart;
    try {
      const metadata = metadataToOpen(tx.metadata);
      const tag = previousSecret
        ? slotTagNative(previousSecret, i + 1, myKey)
        : i === 0 && creatorSlotTag && typeof chart === 'string' && LIST_TAG.test(chart)
          ? creatorSlotTag(chart)
          : null;
      const inner = await openV3(metadata, reader, tag, {
        secretboxOpen,
        openKeyed: openKeyedSlotNative,
        slotKeys: readerSlotKeys(
          reader,
          i + 1,
          i === 0 && typeof chart === 'string' ? chart : null,
          previousSecret && previousCustodian ? { secret: previousSecret, custodianBoxKey: previousCustodian } : null,
        ),
      });
      boxes.push({ inner });
      openedAny = true;
      previousSecret = secretOf(inner);
      previousCustodian = custodianOf(inner);
    } catch (error) {
      const problem = error instanceof EnvelopeError ? error.problem : null;
      boxes.push({ problem, message: (error as Error).message });
      if (problem !== 'not-a-reader' || openedAny) break;
      previousSecret = null;
      previousCustodian = null;
    }
  }
  return boxes;
}

/** The worker's half (or the caller's, when no worker can): openChartV3 on the answer with the boxes given. */
export async function openPrepared({ assetId, json, boxKey, boxes, now }: OpenV3Input): Promise<WireV3Chain> {
  const raw = JSON.parse(json) as unknown[];
  const index = new Map<Transaction, number>();
  const chain = await openChartV3(
    assetId,
    raw,
    {
      boxKey,
      openSealed: () => Promise.reject(new Error('The worker holds no key: boxes are opened by the reader')),
    },
    {
      now: () => now,
      validateLinks: async (links) => {
        links.forEach((tx, i) => index.set(tx, i));
        return validateWithinAnswer(
          links,
          links.map((_, i) => i),
          nativeLedgerCrypto,
        );
      },
      openBox: async (tx) => {
        const box = boxes[index.get(tx) ?? -1];
        if (!box) throw new Error('The reader did not open this version');
        if ('inner' in box) return box.inner;
        throw box.problem ? new EnvelopeError(box.problem, box.message) : new Error(box.message);
      },
    },
  );
  return { ...chain, versions: chain.versions.map(({ tx: _tx, ...version }) => version) };
}

/**
 * openChartV3 with its links validated and its versions checked by the validator's workers (the loader's path).
 * The same chain as openChartV3 with the validator's verdicts; run here whole when no worker can.
 */
export async function openChartV3Split(
  assetId: string,
  raw: readonly unknown[],
  reader: EnvelopeReaderKey,
  validator: Required<Pick<AnswerValidator, 'runTask'>>,
  {
    creatorSlotTag,
    now = Date.now,
    json = JSON.stringify(raw),
  }: {
    creatorSlotTag?: (listTag: string) => Uint8Array | null;
    now?: () => number;
    /** JSON.stringify(raw), when the caller has it. */
    json?: string;
  },
): Promise<V3Chain> {
  const { links } = linkChain(assetId, raw);
  const input: OpenV3Input = {
    assetId,
    json,
    boxKey: reader.boxKey,
    boxes: await readerBoxes(links, reader, creatorSlotTag),
    now: now(),
  };
  const wire = await validator.runTask(OPEN_V3_TASK, input, Math.max(1, links.length), () => openPrepared(input));
  return {
    ...wire,
    versions: wire.versions.map((version) => {
      const tx = links[version.seq - 1];
      if (tx?.id !== version.txId) throw new Error(`The opened chart ${assetId} does not match its answer`);
      return { ...version, tx };
    }),
  };
}

// What discovery keeps between scans, beside the verified cache: the next list index and, per directory pair, the
// intro counters and gaps. Counters are no secret of the chart, but which pairs have counters says who shared with
// this doctor, so the state is sealed (XSalsa20-Poly1305) under a key only the signed-in identity can make: its local
// MAC (HMAC under the seed-derived local key, as the verified cache's entries) of a fixed label. The file's name is
// a MAC too, so the folder does not say whose state it is. Chart secrets are never kept here: catching up takes them
// from the heads the reader opens. A state that is missing, damaged or not this identity's is a cold scan, nothing
// worse.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import { writeFileAtomic } from '../../fs/atomic-file';
import type { PairCounters } from './intro-windows';

export interface DiscoveryState {
  /** One past the highest list index of this doctor's own charts found (where the next walk and create start). */
  listNext: number;
  /** List indexes below listNext without a chart yet (a create still in some workstation's outbox). */
  listGaps: number[];
  /** Per writer box key: the intro counters of K(writer→me). */
  readonly pairs: Map<string, PairCounters>;
}

const LABEL_KEY = 'healthchain.discovery-state/1 key';
const LABEL_NAME = 'healthchain.discovery-state/1 file';
const encoder = new TextEncoder();

export const emptyState = (): DiscoveryState => ({ listNext: 0, listGaps: [], pairs: new Map() });

/** A copy that later discovery does not move (a list checkpoint records the state its entries go with). */
export const copyState = (state: DiscoveryState): DiscoveryState => ({
  listNext: state.listNext,
  listGaps: [...state.listGaps],
  pairs: new Map([...state.pairs].map(([writer, c]) => [writer, { next: c.next, gaps: [...c.gaps] }])),
});

function fileOf(dir: string, holder: KeyHolder): string {
  const name = Buffer.from(holder.localMac(encoder.encode(LABEL_NAME)).subarray(0, 16)).toString('hex');
  return join(dir, `discovery-${name}.sealed`);
}

const keyOf = (holder: KeyHolder) => holder.localMac(encoder.encode(LABEL_KEY)).subarray(0, nacl.secretbox.keyLength);

export async function saveState(dir: string, holder: KeyHolder, state: DiscoveryState): Promise<void> {
  const plain = JSON.stringify(stateToJson(state));
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  const box = nacl.secretbox(encoder.encode(plain), nonce, keyOf(holder));
  const sealed = Buffer.concat([nonce, box]).toString('base64');
  await writeFileAtomic(fileOf(dir, holder), `${sealed}\n`);
}

export async function loadState(dir: string, holder: KeyHolder): Promise<DiscoveryState> {
  let text: string;
  try {
    text = await readFile(fileOf(dir, holder), 'utf8');
  } catch {
    return emptyState();
  }
  const bytes = Buffer.from(text.trim(), 'base64');
  if (bytes.length < nacl.secretbox.nonceLength + nacl.secretbox.overheadLength) return emptyState();
  const plain = nacl.secretbox.open(
    bytes.subarray(nacl.secretbox.nonceLength),
    bytes.subarray(0, nacl.secretbox.nonceLength),
    keyOf(holder),
  );
  if (!plain) return emptyState();
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(plain));
  } catch {
    return emptyState();
  }
  return stateFromJson(parsed) ?? emptyState();
}

const counter = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
/** A directory box key as text (base58 of 32 bytes is 43–44 characters; a little room either way). */
const boxKey = (k: unknown): k is string => typeof k === 'string' && k.length >= 32 && k.length <= 64;

/** The state as JSON (the sealed file's, and a list checkpoint's, docs/UNLINKABLE.md §14). */
export function stateToJson(state: DiscoveryState): unknown {
  return {
    v: 1,
    listNext: state.listNext,
    listGaps: state.listGaps,
    pairs: [...state.pairs].map(([writer, c]) => [writer, c.next, c.gaps]),
  };
}

/** The state stateToJson wrote, or null for anything else. */
export function stateFromJson(parsed: unknown): DiscoveryState | null {
  const p = parsed as { v?: unknown; listNext?: unknown; listGaps?: unknown; pairs?: unknown } | null;
  if (p?.v !== 1 || !counter(p.listNext) || !Array.isArray(p.pairs)) return null;
  if (!Array.isArray(p.listGaps) || !p.listGaps.every(counter)) return null;
  const pairs = new Map<string, PairCounters>();
  for (const entry of p.pairs) {
    if (!Array.isArray(entry) || entry.length !== 3) return null;
    const [writer, next, gaps] = entry as unknown[];
    if (!boxKey(writer) || !counter(next) || !Array.isArray(gaps) || !gaps.every(counter)) return null;
    pairs.set(writer, { next, gaps: gaps as number[] });
  }
  return { listNext: p.listNext, listGaps: p.listGaps as number[], pairs };
}

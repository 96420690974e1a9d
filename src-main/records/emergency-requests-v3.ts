// The v3 emergency requests a desk posted, kept on disk for a restarted app (docs/UNLINKABLE.md §9): nothing on the
// ledger ties a v3 request to its doctor, so without this a restart forgets them and the doctor asks again. Which
// charts a doctor asked about is itself health information, so the file is sealed (XSalsa20-Poly1305) under a key
// only the signed-in identity can make, its local MAC of a fixed label, as discovery-state.ts seals its state, and
// its name is a MAC too. Only request ids, charts, reasons and times are kept: a grant (with its data key) is read
// from the ledger again and opened with the doctor's box key, never written here. A file that does not open or
// parse is refused with its reason (the desk then starts empty, and the doctor asks again).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { z } from 'zod';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { firstProblem, REASON_CODES, type ReasonCode } from '../../src-shared/emergency';
import { BASE58_KEY_32, HEX64 } from '../../src-shared/ledger/patterns';
import { writeFileAtomic } from '../fs/atomic-file';

export interface KeptRequestV3 {
  id: string;
  requester: string;
  /** Null: a request by patient identifiers not granted yet (the grant names the chart). */
  chart: string | null;
  reason: ReasonCode;
  at: string;
}

const LABEL_KEY = 'healthchain.emergency-requests-v3/1 key';
const LABEL_NAME = 'healthchain.emergency-requests-v3/1 file';
const encoder = new TextEncoder();

const fileSchema = z.strictObject({
  v: z.literal(1),
  requests: z
    .array(
      z.strictObject({
        id: z.string().regex(HEX64),
        requester: z.string().regex(BASE58_KEY_32),
        chart: z.string().regex(HEX64).nullable(),
        reason: z.enum(REASON_CODES),
        at: z.string().max(40),
      }),
    )
    .max(100_000),
});

/** The identity's state file in `dir` (its name says nothing about whose it is). */
export function requestsFileOf(dir: string, holder: KeyHolder): string {
  const name = Buffer.from(holder.localMac(encoder.encode(LABEL_NAME)).subarray(0, 16)).toString('hex');
  return join(dir, `emergency-v3-${name}.sealed`);
}

const keyOf = (holder: KeyHolder) => holder.localMac(encoder.encode(LABEL_KEY)).subarray(0, nacl.secretbox.keyLength);

export async function saveRequestsV3(
  dir: string,
  holder: KeyHolder,
  requests: readonly KeptRequestV3[],
): Promise<void> {
  const plain = JSON.stringify({ v: 1, requests });
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  const box = nacl.secretbox(encoder.encode(plain), nonce, keyOf(holder));
  await writeFileAtomic(requestsFileOf(dir, holder), `${Buffer.concat([nonce, box]).toString('base64')}\n`);
}

export type LoadedRequestsV3 = { requests: KeptRequestV3[]; problem: null } | { requests: []; problem: string };

/** The kept requests; none (and no problem) when there is no file yet; none with the reason when it is refused. */
export async function loadRequestsV3(dir: string, holder: KeyHolder): Promise<LoadedRequestsV3> {
  let text: string;
  try {
    text = await readFile(requestsFileOf(dir, holder), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { requests: [], problem: null };
    return { requests: [], problem: `the emergency request state cannot be read (${(error as Error).message})` };
  }
  const bytes = Buffer.from(text.trim(), 'base64');
  const plain =
    bytes.length < nacl.secretbox.nonceLength + nacl.secretbox.overheadLength
      ? null
      : nacl.secretbox.open(
          bytes.subarray(nacl.secretbox.nonceLength),
          bytes.subarray(0, nacl.secretbox.nonceLength),
          keyOf(holder),
        );
  if (!plain)
    return {
      requests: [],
      problem: "the emergency request state does not open with this identity's key: it was altered or damaged",
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(plain));
  } catch (error) {
    return { requests: [], problem: `the emergency request state is not JSON (${(error as Error).message})` };
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success)
    return {
      requests: [],
      problem: `the emergency request state is not a list of requests (${firstProblem(result.error)})`,
    };
  return { requests: result.data.requests, problem: null };
}

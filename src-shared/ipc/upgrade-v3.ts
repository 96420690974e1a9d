// The doctor's "Upgrade my charts to the private format" (docs/UNLINKABLE.md §10, the CLI's `charts upgrade-v3 --all`):
// the request carries the doctor's password (checked again, as every bulk act) and how far apart the writes may be;
// the answer is the per-chart report. Chart ids only: no key or content crosses.
import { z } from 'zod';
import { HEX64 } from '../ledger/patterns';

const txId = z.string().regex(HEX64, { error: 'must be a 64-character hex id' });

/** The widest random pause between two writes the app lets a doctor choose (seconds); the CLI's default is 2 s. */
export const MAX_UPGRADE_SPREAD_SECONDS = 60;

export const upgradeV3RequestSchema = z.strictObject({
  /** The signed-in doctor's password, checked again for this bulk act. */
  password: z.string().min(1, { error: 'Enter your password' }).max(1024),
  /** Each pause between two writes is drawn from 0 to this; absent: the CLI's default (2 s). */
  spreadSeconds: z
    .number({ error: 'must be a number of seconds' })
    .min(0, { error: 'must be 0 or more seconds' })
    .max(MAX_UPGRADE_SPREAD_SECONDS, { error: `must be at most ${MAX_UPGRADE_SPREAD_SECONDS} seconds` })
    .optional(),
});
export type UpgradeV3Request = z.infer<typeof upgradeV3RequestSchema>;

export const upgradeV3ReportSchema = z.object({
  charts: z.array(
    z.object({
      /** The v1 chart. */
      chartId: txId,
      status: z.enum(['upgraded', 'skipped', 'failed']),
      /** Its v3 copy, when one exists (upgraded, or a skip or failure after the copy was made). */
      newChartId: txId.nullable(),
      /** Upgraded by finishing a copy an earlier run had made. */
      resumed: z.boolean(),
      /** Why skipped or failed; null when upgraded. */
      reason: z.string().nullable(),
    }),
  ),
});
export type UpgradeV3Report = z.infer<typeof upgradeV3ReportSchema>;

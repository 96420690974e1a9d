// The settings model, one schema for everyone: main validates the user file, every managed-settings source and each
// IPC patch with it (so IT and users are held to exactly the same rules), and the IPC contract answers and checks
// forms with the same fields and messages.
import { base58 } from '@scure/base';
import { z } from 'zod';
import { HEX64 } from '../ledger/patterns';
import { nodeUrlProblem } from './node-url';

export const SETTING_KEYS = [
  'nodeUrls',
  'autoLockMinutes',
  'kioskIdleSeconds',
  'allowUserNodeUrls',
  'trustedPractitionerKeys',
  'kioskCamera',
  'hospitalAuthority',
  'ledgerEnvelope',
  'listCheckpoints',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

// https, or plain http to this computer only (node-url.ts): every write goes to these URLs.
export const nodeUrlSchema = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = nodeUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const practitionerKey = z.string().refine(
  (value) => {
    try {
      return base58.decode(value).length === 32;
    } catch {
      return false;
    }
  },
  { message: 'must be a base58 Ed25519 public key (32 bytes)' },
);

/** Each setting's schema, with the message a form shows next to the field. */
export const settingFields = {
  /** BigchainDB node root URLs, tried in order; [] means "use the embedded node". */
  nodeUrls: z
    .array(nodeUrlSchema)
    .max(32, { message: 'at most 32 node URLs' })
    .refine((urls) => new Set(urls).size === urls.length, { message: 'must not repeat a URL' }),
  autoLockMinutes: z
    .number()
    .int()
    .min(1, { message: 'must be at least 1 minute' })
    .max(24 * 60, { message: 'must be at most 1440 minutes' }),
  kioskIdleSeconds: z
    .number()
    .int()
    .min(15, { message: 'must be at least 15 seconds' })
    .max(60 * 60, { message: 'must be at most 3600 seconds' }),
  /**
   * When false, users cannot add node URLs of their own (IT pins the network). The default below holds only where no
   * managed-settings source exists; where one does, it is false and only IT can set it (SettingsService.get).
   */
  allowUserNodeUrls: z.boolean(),
  /** Practitioner signKeys (base58) whose charts are trusted; [] means "trust every practitioner on the ledger". */
  trustedPractitionerKeys: z.array(practitionerKey).max(10_000),
  /** Kiosk build only: patients may show their card's QR code to the kiosk's camera (false: the camera stays off). */
  kioskCamera: z.boolean(),
  /**
   * The hospital authority's id (the transaction id of its ceremony, docs/AUTHORITY.md), pinned machine-wide by IT or
   * by this machine's own "set up this hospital"; '' until one is pinned. Only credentialed practitioners of the
   * pinned authority count as doctors.
   */
  hospitalAuthority: z.union([z.literal(''), z.string().regex(HEX64, { message: 'must be a 64-hex transaction id' })]),
  /**
   * The envelope new charts are written in (docs/UNLINKABLE.md): 'v1' names readers, author and action in clear, 'v3'
   * hides them. A chart keeps the envelope it was created in. 'v1' by default: IT switches a whole hospital once every
   * workstation runs a release that reads v3 (docs/DEPLOYMENT.md).
   */
  ledgerEnvelope: z.enum(['v1', 'v3'], { message: "must be 'v1' or 'v3'" }),
  /**
   * The doctor's list checkpoint (docs/UNLINKABLE.md §14): after a list of 200 or more v3 charts, the workstation
   * writes her verified list to the ledger, sealed to her, so a new workstation lists in about a second. Off: none is
   * read or written, and a new workstation verifies every chart itself. IT turns it off where the ledger must not
   * grow by it (about 2 MiB per doctor of 10,000 charts, written again when 5 % changed or a day passed) or where
   * policy allows no list of a doctor's charts on the ledger, even sealed.
   */
  listCheckpoints: z.boolean({ message: 'must be true or false' }),
} satisfies Record<SettingKey, z.ZodType>;

export const settingsSchema = z.object(settingFields);
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  nodeUrls: [],
  autoLockMinutes: 10,
  kioskIdleSeconds: 120,
  allowUserNodeUrls: true,
  trustedPractitionerKeys: [],
  kioskCamera: true,
  hospitalAuthority: '',
  ledgerEnvelope: 'v1',
  listCheckpoints: true,
});

export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

/** Any subset of the settings; unknown keys are an error (a typo in a policy must not pass silently). */
export const partialSettingsSchema = z.strictObject(settingFields).partial();

export type PartialSettings = Partial<Settings>;

export type ParseResult = { ok: true; values: PartialSettings } | { ok: false; reason: string };

/** Validates untrusted settings input (managed file, registry, plist, user file, IPC patch). */
export function parsePartialSettings(input: unknown): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: 'expected a JSON object of settings' };
  }
  const result = partialSettingsSchema.safeParse(input);
  if (result.success) return { ok: true, values: result.data };
  const reason = result.error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown setting(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      const where = issue.path.length > 0 ? issue.path.join('.') : 'settings';
      // A refused node URL is named, so the user or IT sees which entry of the list is wrong.
      const value = issue.path[0] === 'nodeUrls' ? valueAt(input, issue.path) : undefined;
      const got = typeof value === 'string' ? ` (got ${JSON.stringify(value.slice(0, 200))})` : '';
      return `${where}: ${issue.message}${got}`;
    })
    .join('; ');
  return { ok: false, reason };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

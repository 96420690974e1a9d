// The settings model: the pinned `Settings` shape, its defaults, and the validation shared by the user file and
// every managed-settings source (so IT and users are held to exactly the same rules).
import { z } from 'zod';
import { base58 } from '@scure/base';
import { nodeUrlProblem } from '../../src-shared/ipc/node-url';

export interface Settings {
  /** BigchainDB node root URLs, tried in order; [] means "use the embedded node". */
  nodeUrls: string[];
  autoLockMinutes: number;
  kioskIdleSeconds: number;
  /**
   * When false, users cannot add node URLs of their own (IT pins the network). The default below holds only where no
   * managed-settings source exists; where one does, it is false and only IT can set it (SettingsService.get).
   */
  allowUserNodeUrls: boolean;
  /** Practitioner signKeys (base58) whose charts are trusted; [] means "trust every practitioner on the ledger". */
  trustedPractitionerKeys: string[];
  /** Kiosk build only: patients may show their card's QR code to the kiosk's camera (false: the camera stays off). */
  kioskCamera: boolean;
}

export type SettingKey = keyof Settings;

export const SETTING_KEYS: readonly SettingKey[] = [
  'nodeUrls',
  'autoLockMinutes',
  'kioskIdleSeconds',
  'allowUserNodeUrls',
  'trustedPractitionerKeys',
  'kioskCamera',
];

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  nodeUrls: [],
  autoLockMinutes: 10,
  kioskIdleSeconds: 120,
  allowUserNodeUrls: true,
  trustedPractitionerKeys: [],
  kioskCamera: true,
});

export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

// https, or plain http to this computer only (src-shared/ipc/node-url.ts): every write goes to these URLs.
const nodeUrl = z.string().max(2048).superRefine((value, ctx) => {
  const problem = nodeUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (got ${JSON.stringify(value.slice(0, 200))})` });
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

const settingsShape = {
  nodeUrls: z.array(nodeUrl).max(32).refine((urls) => new Set(urls).size === urls.length, { message: 'must not repeat a URL' }),
  autoLockMinutes: z.number().int().min(1).max(24 * 60),
  kioskIdleSeconds: z.number().int().min(15).max(60 * 60),
  allowUserNodeUrls: z.boolean(),
  trustedPractitionerKeys: z.array(practitionerKey).max(10_000),
  kioskCamera: z.boolean(),
} satisfies Record<SettingKey, z.ZodType>;

/** Any subset of the settings; unknown keys are an error (a typo in a policy must not pass silently). */
export const partialSettingsSchema = z.strictObject(settingsShape).partial();

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
      return `${where}: ${issue.message}`;
    })
    .join('; ');
  return { ok: false, reason };
}

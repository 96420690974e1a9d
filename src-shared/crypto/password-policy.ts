// Rules for a doctor's vault password and for a backup passphrase, shared so the renderer can give live feedback
// with the same rules the vault enforces. Following NIST SP 800-63B: length matters, composition rules do not;
// refuse the obvious (too short, one repeated character, the doctor's own name or licence number, common passwords).

export const PASSWORD_MIN_LENGTH = 10;
export const BACKUP_PASSPHRASE_MIN_LENGTH = 14;
export const PASSWORD_MAX_LENGTH = 256;

const COMMON = new Set([
  'password123',
  'password1234',
  '1234567890',
  '0123456789',
  'qwertyuiop',
  'iloveyou123',
  'letmein123',
  'healthchain',
  'healthchain1',
  'hospital123',
  'doctor1234',
  'passw0rd123',
  'welcome123',
  'abcdefghij',
  'administrator',
  'qwerty12345',
  'changeme123',
  '1q2w3e4r5t',
  'zaq12wsxcde',
  'medicine123',
]);

export interface PasswordContext {
  /** Words a guesser would try first for this person (name, licence number). */
  personalWords?: string[];
  minLength?: number;
}

/** Returns null when acceptable, else a sentence saying what to change. Counts characters, not UTF-16 units. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
  if (typeof password !== 'string') return 'A password is required.';
  const normalised = password.normalize('NFC');
  const length = [...normalised].length;
  const min = context.minLength ?? PASSWORD_MIN_LENGTH;
  if (length < min) return `Use at least ${min} characters (${length} given). A short sentence works well.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const lower = normalised.toLowerCase();
  if (new Set(lower).size <= 2) return 'Use more than one or two different characters.';
  if (COMMON.has(lower)) return 'This password is too common. Choose another.';
  for (const word of context.personalWords ?? []) {
    const w = word.trim().toLowerCase();
    if (w.length >= 4 && lower.includes(w)) return 'Do not use your name or licence number in the password.';
  }
  return null;
}

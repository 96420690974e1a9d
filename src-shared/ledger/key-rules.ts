// Key-name and `language` rules for asset.data and metadata (docs/PROTOCOL.md §1.6), in the reference's order. They
// exist because the reference stores these objects in MongoDB, whose keys and text-index languages are restricted.
import type { LedgerValidationError } from './errors';
import { messages } from './errors';
import { pyStr } from './python-text';

export const VALID_LANGUAGES: ReadonlySet<string> = new Set([
  'danish',
  'dutch',
  'english',
  'finnish',
  'french',
  'german',
  'hungarian',
  'italian',
  'norwegian',
  'portuguese',
  'romanian',
  'russian',
  'spanish',
  'swedish',
  'turkish',
  'none',
  'da',
  'nl',
  'en',
  'fi',
  'fr',
  'de',
  'hu',
  'it',
  'nb',
  'pt',
  'ro',
  'ru',
  'es',
  'sv',
  'tr',
]);

export function isValidKeyName(key: string): boolean {
  return !(key.startsWith('$') || key.includes('.') || key.includes('\u0000'));
}

type Where = 'asset' | 'metadata';

/** The first rule `asset.data` and `metadata` break, checked in the reference's order; null when both pass. */
export function checkKeyRules(assetData: unknown, metadata: unknown): LedgerValidationError | null {
  const failure =
    firstBadKey(assetData, 'asset') ??
    firstBadKey(metadata, 'metadata') ??
    firstBadLanguage(assetData) ??
    firstBadLanguage(metadata);
  return failure === null ? null : { type: 'ValidationError', message: failure };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstBadKey(value: unknown, where: Where): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const bad = firstBadKey(item, where);
      if (bad !== null) return bad;
    }
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (!isValidKeyName(key)) return messages.keyName(key, where);
      const bad = firstBadKey(child, where);
      if (bad !== null) return bad;
    }
  }
  return null;
}

function firstBadLanguage(value: unknown): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const bad = firstBadLanguage(item);
      if (bad !== null) return bad;
    }
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'language') {
        // The reference checks the value and does not look inside it.
        if (typeof child !== 'string' || !VALID_LANGUAGES.has(child)) return messages.language(pyStr(child));
      } else {
        const bad = firstBadLanguage(child);
        if (bad !== null) return bad;
      }
    }
  }
  return null;
}

// The hospital card key: 32 random bytes that every workstation (printing cards) and every kiosk (reading them) of one
// hospital holds, and that no card and no ledger carries. Version 2 access cards need it to turn card + PIN into the
// patient's seed (src-shared/crypto/card.ts), so a stolen card cannot be tested against a copy of the ledger offline.
//
// Where: the OS keychain of the account the app runs as, service "HealthChain card key" (apart from the doctors'
// identities, so the vault never lists it). It is a key, not health data: the kiosk keeps it like its other settings.
// Who makes it: on a single machine (no node URL configured: the embedded node) the workstation creates it when the
// first card is printed and a kiosk under the same account finds it there. In a hospital (node URLs configured) a
// workstation never creates one by itself: a second, different key would print cards no kiosk can read. IT creates
// it once and installs the same key everywhere (`npm run cli -- card-key create | export | import`,
// docs/DEPLOYMENT.md).
import { fromBase64, randomBytes, toBase64 } from '../../src-shared/crypto/bytes';
import { CARD_KEY_BYTES } from '../../src-shared/crypto/card';
import { CardKeyMissingError, CorruptedEntryError } from './errors';
import { Keychain, type KeytarApi } from './keychain';

export const CARD_KEY_SERVICE = 'HealthChain card key';
export const CARD_KEY_ACCOUNT = 'hospital-card-key';
const PREFIX = 'healthchain.card-key/1:';

export interface CardKeySource {
  /** The key for reading a card; null when this machine has none. */
  get(): Promise<Uint8Array | null>;
  /** The key for printing a card: created where this machine may create one, else CardKeyMissingError. */
  forIssuing(): Promise<Uint8Array>;
}

/** The stored text of a key: a label (so a stray keychain value is not taken for a key) and base64. */
export function encodeCardKey(key: Uint8Array): string {
  if (key.length !== CARD_KEY_BYTES) throw new TypeError(`a card key is ${CARD_KEY_BYTES} bytes`);
  return PREFIX + toBase64(key);
}

export function decodeCardKey(text: string): Uint8Array {
  const what = 'The hospital card key';
  if (!text.trim().startsWith(PREFIX)) throw new CorruptedEntryError(what, `it does not start with "${PREFIX}".`);
  let key: Uint8Array;
  try {
    key = fromBase64(text.trim().slice(PREFIX.length));
  } catch {
    throw new CorruptedEntryError(what, 'it is not base64.');
  }
  if (key.length !== CARD_KEY_BYTES)
    throw new CorruptedEntryError(what, `it is ${key.length} bytes, not ${CARD_KEY_BYTES}.`);
  return key;
}

export interface KeychainCardKeyOptions {
  service?: string;
  keytar?: KeytarApi;
  /** May this machine create the key when none is installed? (The workstation on the embedded node: yes.) */
  mayCreate?: () => boolean;
}

export class KeychainCardKey implements CardKeySource {
  readonly #keychain: Keychain;
  readonly #mayCreate: () => boolean;
  #cached: Uint8Array | null = null;
  #creating: Promise<Uint8Array> | null = null;

  constructor(options: KeychainCardKeyOptions = {}) {
    this.#keychain = new Keychain(options.service ?? CARD_KEY_SERVICE, options.keytar);
    this.#mayCreate = options.mayCreate ?? (() => false);
  }

  get service(): string {
    return this.#keychain.service;
  }

  async get(): Promise<Uint8Array | null> {
    if (this.#cached) return this.#cached;
    const stored = await this.#keychain.get(CARD_KEY_ACCOUNT);
    if (stored === null) return null;
    this.#cached = decodeCardKey(stored);
    return this.#cached;
  }

  async forIssuing(): Promise<Uint8Array> {
    const existing = await this.get();
    if (existing) return existing;
    if (!this.#mayCreate()) throw new CardKeyMissingError('issue');
    this.#creating ??= this.create().finally(() => {
      this.#creating = null;
    });
    return this.#creating;
  }

  /** Makes and stores a new key (IT: once per hospital). Refuses to replace one: every card printed would be lost. */
  async create(): Promise<Uint8Array> {
    if (await this.get())
      throw new CorruptedEntryError(
        'The hospital card key',
        'one is already installed here; a new key would make every card printed with it unreadable.',
      );
    const key = randomBytes(CARD_KEY_BYTES);
    await this.#keychain.set(CARD_KEY_ACCOUNT, encodeCardKey(key));
    this.#cached = key;
    return key;
  }

  /** Installs a key made elsewhere (IT). The same key again is fine; a different one is refused. */
  async install(text: string): Promise<void> {
    const key = decodeCardKey(text);
    const existing = await this.get();
    if (existing) {
      if (toBase64(existing) === toBase64(key)) return;
      throw new CorruptedEntryError(
        'The hospital card key',
        'a different key is already installed here; remove it first (cards printed with it would become unreadable here).',
      );
    }
    await this.#keychain.set(CARD_KEY_ACCOUNT, encodeCardKey(key));
    this.#cached = key;
  }

  /** The stored text, for IT to install on the hospital's other machines. */
  async export(): Promise<string | null> {
    const key = await this.get();
    return key ? encodeCardKey(key) : null;
  }
}

/** A key given by the caller (tests, tools): never created, never stored. */
export class StaticCardKey implements CardKeySource {
  constructor(private readonly key: Uint8Array | null) {}
  async get(): Promise<Uint8Array | null> {
    return this.key;
  }
  async forIssuing(): Promise<Uint8Array> {
    if (!this.key) throw new CardKeyMissingError('issue');
    return this.key;
  }
}

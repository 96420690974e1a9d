// The kiosk's card-attempt counters survive a restart (issue #14): a new PatientCards over the same folder, as the
// kiosk builds after being turned off and on, still pauses the card; a damaged file pauses every card (fail closed).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TooManyAttemptsError, WrongPinError } from '../../src-shared/crypto/errors';
import { type KeyHolder } from '../../src-shared/crypto/keyholder';
import { AttemptStateFile } from './attempt-state-file';
import { StaticCardKey } from './card-key';
import { randomBytes } from '../../src-shared/crypto/bytes';
import { PatientCards } from './patient-card';

const FAST = { N: 1024, r: 8, p: 1 };
/** The hospital card key, given directly: these tests run without a keychain (card-key.test.ts covers that). */
const CARD_KEY = new StaticCardKey(randomBytes(32));
const POLICY = { freeFailures: 2, baseDelayMs: 60_000, maxDelayMs: 300_000 };
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-attempts-'));
  file = path.join(dir, 'kiosk-data', 'card-attempts.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function wrongPin(cards: PatientCards, code: string): Promise<unknown> {
  return cards.open(code, '111222').catch((error: unknown) => error);
}

describe('card attempt counters on disk', () => {
  it('a restarted kiosk keeps pausing a card that failed before the restart', async () => {
    let now = Date.parse('2026-12-04T10:00:00Z');
    const known = new Set<string>();
    const kiosk = () =>
      new PatientCards({
        params: FAST,
        cardKey: CARD_KEY,
        attempts: POLICY,
        now: () => now,
        attemptStateFile: file,
        recognise: async (h: KeyHolder) => known.has(h.boxKey),
      });
    const first = kiosk();
    const card = await first.create('480913');
    known.add(card.holder.boxKey);
    for (let i = 0; i < 3; i++) expect(await wrongPin(first, card.code)).toBeInstanceOf(WrongPinError);
    expect(first.attempts(card.code)).toBe(3);

    // Turned off and on: a new instance over the same folder.
    const second = kiosk();
    const paused = await second.open(card.code, '480913').catch((error: unknown) => error);
    expect(paused).toBeInstanceOf(TooManyAttemptsError);
    expect((paused as TooManyAttemptsError).retryAfterMs).toBe(60_000);
    expect(second.attempts(card.code)).toBe(3);

    now += 60_000;
    expect(await wrongPin(second, card.code)).toBeInstanceOf(WrongPinError);
    const third = kiosk();
    expect(((await wrongPin(third, card.code)) as TooManyAttemptsError).retryAfterMs).toBe(120_000);

    now += 120_000;
    expect((await third.open(card.code, '480913')).boxKey).toBe(card.holder.boxKey);
    expect(kiosk().attempts(card.code)).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      format: 'healthchain.card-attempts',
      version: 1,
      keys: {},
    });
  });

  it('keeps no card secret and no health data: a hash per card, counts and times; 0600, no temp files left', async () => {
    const cards = new PatientCards({
      params: FAST,
      cardKey: CARD_KEY,
      attempts: POLICY,
      attemptStateFile: file,
      recognise: async () => false,
    });
    const card = await cards.create('480913');
    await wrongPin(cards, card.code);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(saved.keys)).toHaveLength(1);
    expect(Object.keys(saved.keys)[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(saved.keys)[0]).toEqual({ failures: 1, lastFailureAt: expect.any(Number) });
    expect(JSON.stringify(saved)).not.toContain(card.code.replace(/-/g, '').slice(0, 8));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(path.dirname(file))).toEqual(['card-attempts.json']);
  });

  it('fails closed on a damaged file: it is set aside and every card is paused for the longest delay', async () => {
    let now = Date.parse('2026-12-04T10:00:00Z');
    const warnings: string[] = [];
    const writer = new PatientCards({ params: FAST, cardKey: CARD_KEY, attempts: POLICY, recognise: async () => true });
    const card = await writer.create('480913');
    await new AttemptStateFile(file).save({ keys: {} });
    await writeFile(file, '{"format":"healthchain.card-attempts","version":1,"keys":{"zz":1}}');

    const kiosk = new PatientCards({
      params: FAST,
      cardKey: CARD_KEY,
      attempts: POLICY,
      now: () => now,
      attemptStateFile: file,
      recognise: async () => true,
      warn: (m) => warnings.push(m),
    });
    const refused = await kiosk.open(card.code, '480913').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyAttemptsError);
    expect((refused as TooManyAttemptsError).retryAfterMs).toBe(300_000);
    expect(warnings.join('\n')).toMatch(/card-attempts.json is damaged; set aside as .*card-attempts.json.corrupt-/);
    expect((await readdir(path.dirname(file))).some((name) => name.startsWith('card-attempts.json.corrupt-'))).toBe(
      true,
    );

    // The pause itself is saved: restarting again does not lift it.
    const restarted = new PatientCards({
      params: FAST,
      cardKey: CARD_KEY,
      attempts: POLICY,
      now: () => now,
      attemptStateFile: file,
      recognise: async () => true,
    });
    expect(await restarted.open(card.code, '480913').catch((error: unknown) => error)).toBeInstanceOf(
      TooManyAttemptsError,
    );
    now += 300_000;
    expect((await restarted.open(card.code, '480913')).boxKey).toBe(card.holder.boxKey);
  });

  it('treats a file that is not JSON or of another format as damaged too', async () => {
    for (const text of [
      'not json',
      '{"format":"something else","version":1,"keys":{}}',
      '{"format":"healthchain.card-attempts","version":2,"keys":{}}',
    ]) {
      await writeFile(file.replace('kiosk-data/', ''), text);
      const loaded = await new AttemptStateFile(file.replace('kiosk-data/', '')).load();
      expect(loaded.snapshot).toBeNull();
      expect(loaded.problem).toMatch(/is damaged/);
    }
    expect(await new AttemptStateFile(path.join(dir, 'none.json')).load()).toEqual({ snapshot: null, problem: null });
  });
});

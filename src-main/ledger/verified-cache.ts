// What this workstation has already verified, kept on disk so that signing in again does not fetch and re-verify
// every chart. It holds ledger transactions exactly as any node serves them to anyone — envelopes sealed, keys
// public: no health data in clear — each with a MAC under the signed-in identity's local key (KeyHolder.localMac).
// A transaction is trusted from here only if this identity stored it after verifying it: nobody without the
// doctor's seed can add or alter an entry, and an entry whose MAC fails is dropped and fetched again.
//
//   const cache = VerifiedCache.open(dir);
//   const mine = cache.for(holder);
//   mine.remember(chartId, verifiedVersions);   // after a chain verified
//   mine.chain(chartId);                        // the verified chain, oldest first, or null
//   mine.knows(tx);                             // this exact transaction was verified before
//   mine.height(txId); mine.rememberHeight(txId, h)  // block heights of committed transactions (credential checks)
//
// Only the chain checks (each version spends the previous, the author owned it, envelopes in order) are run again
// on what comes from here; they are cheap. Decrypted data never comes near this file.
import { open, type Database, type RootDatabase } from 'lmdb';
import { bytesEqual, concatBytes } from '../../src-shared/crypto/bytes';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { Transaction } from '../../src-shared/ledger';

const MAC_BYTES = 32;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
// Bumped if what an entry means changes: older entries are then simply not found.
const FORMAT = 'v1';

export interface CachedChain {
  readonly txs: Transaction[];
}

// Entries are prepared (JSON, MAC) and written once verifying pauses, in slices of this many charts between other
// work: a first listing of thousands of charts answers first and fills the cache right after.
const WRITE_SLICE = 64;
const QUIET_MS = 100;
const MAX_QUEUED = 20_000;

export class VerifiedCache {
  private readonly writes: (() => void)[] = [];
  private quietTimer: NodeJS.Timeout | null = null;
  private draining = false;
  private pendingDrain: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  private constructor(
    private readonly root: RootDatabase,
    private readonly db: Database<Buffer, string>,
  ) {}

  static open(dir: string): VerifiedCache {
    // noSubdir false: a folder whose name has a dot is still a folder (lmdb would take it for a file).
    const root = open({ path: dir, noSubdir: false, maxDbs: 2 });
    return new VerifiedCache(root, root.openDB<Buffer, string>(`verified-${FORMAT}`, { encoding: 'binary' }));
  }

  for(holder: KeyHolder): IdentityCache {
    return new IdentityCache(this.db, holder, (write) => this.defer(write));
  }

  /** Drops everything stored for one identity (e.g. when it is deleted from this workstation). */
  async forget(signKey: string): Promise<void> {
    const prefix = `${signKey}/`;
    await this.db.transaction(() => {
      for (const key of this.db.getKeys({ start: prefix, end: `${signKey}0` })) void this.db.remove(key);
    });
  }

  /** Resolves once every write queued so far is on disk (entries are written in the background). */
  async idle(): Promise<void> {
    while (this.pendingDrain) {
      const pending = this.pendingDrain;
      this.drain();
      await pending;
    }
    await this.root.flushed;
  }

  private defer(write: () => void): void {
    this.writes.push(write);
    // Writing waits until verifying pauses for a moment (a listing of thousands calls this thousands of times), or
    // starts anyway once a lot is queued: the queue holds transactions in memory.
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.writes.length >= MAX_QUEUED) this.drain();
    else {
      this.quietTimer = setTimeout(() => this.drain(), QUIET_MS);
      this.quietTimer.unref();
    }
    this.pendingDrain ??= new Promise<void>((resolve) => (this.drained = resolve));
  }

  private drain(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    if (this.draining) return;
    this.draining = true;
    const slice = () => {
      for (const job of this.writes.splice(0, WRITE_SLICE)) {
        try {
          job();
        } catch {
          // The identity locked meanwhile (no MAC key): the entry is simply not kept.
        }
      }
      if (this.writes.length > 0) {
        setImmediate(slice);
        return;
      }
      this.draining = false;
      const done = this.drained;
      this.pendingDrain = null;
      this.drained = null;
      done?.();
    };
    setImmediate(slice);
  }

  /** Writes what is queued, then closes. */
  async close(): Promise<void> {
    await this.idle();
    await this.root.close();
  }
}

export class IdentityCache {
  private readonly prefix: string;

  constructor(
    private readonly db: Database<Buffer, string>,
    private readonly holder: KeyHolder,
    private readonly defer: (write: () => void) => void,
  ) {
    this.prefix = `${holder.signKey}/`;
  }

  /** Was exactly this transaction (same id, same content) verified by this identity before? */
  knows(tx: unknown): boolean {
    const id = (tx as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return false;
    const stored = this.read(`t/${id}`);
    return stored !== null && stored === JSON.stringify(tx);
  }

  /** The chart's verified chain as last stored, oldest first; null if absent or any part of it fails its MAC. */
  chain(chartId: string): CachedChain | null {
    const ids = this.read(`c/${chartId}`);
    if (ids === null) return null;
    const txs: Transaction[] = [];
    for (const id of ids.split(',')) {
      const json = this.read(`t/${id}`);
      if (json === null) return null;
      txs.push(JSON.parse(json) as Transaction);
    }
    return { txs };
  }

  /** How many versions the chart's stored chain has (the highest version seen here), 0 when none is stored. */
  chainLength(chartId: string): number {
    const ids = this.read(`c/${chartId}`);
    return ids === null ? 0 : ids.split(',').length;
  }

  /** The block height this identity recorded for a committed transaction (heights of committed ones never change). */
  height(txId: string): number | null {
    const text = this.read(`h/${txId}`);
    const height = text === null ? NaN : Number(text);
    return Number.isSafeInteger(height) && height >= 0 ? height : null;
  }

  /** Records a committed transaction's block height. Written in the background. */
  rememberHeight(txId: string, height: number): void {
    this.defer(() => this.write(`h/${txId}`, String(height)));
  }

  /** The charts whose verified chains this identity keeps here. */
  chartIds(): string[] {
    const start = this.key('c/');
    const ids: string[] = [];
    for (const key of this.db.getKeys({ start, end: this.key('c0') })) ids.push(key.slice(start.length));
    return ids;
  }

  /**
   * Stores a verified chain (the versions that passed every check, oldest first). Written in the background.
   * `v3`: the chart is envelope v3, so a restarted app knows it without reading every stored chain (v3ChartIds).
   */
  remember(chartId: string, txs: readonly Transaction[], { v3 = false }: { v3?: boolean } = {}): void {
    if (txs.length === 0) return;
    this.defer(() => {
      for (const tx of txs) {
        if (this.db.doesExist(this.key(`t/${tx.id}`))) continue;
        this.write(`t/${tx.id}`, JSON.stringify(tx));
      }
      this.write(`c/${chartId}`, txs.map((tx) => tx.id).join(','));
      if (v3 && this.read(`v/${chartId}`) === null) this.write(`v/${chartId}`, 'v3');
    });
  }

  /**
   * The envelope v3 charts whose chains this identity stored (a restart's known charts, src-main/records/v3-list.ts):
   * one short MAC'd entry a chart, so a workstation of 10,000 v1 charts reads no chain to find its few v3 ones.
   */
  v3ChartIds(): string[] {
    const start = this.key('v/');
    const ids: string[] = [];
    for (const key of this.db.getKeys({ start, end: this.key('v0') })) {
      const id = key.slice(start.length);
      if (this.read(`v/${id}`) === 'v3' && this.read(`c/${id}`) !== null) ids.push(id);
    }
    return ids;
  }

  /**
   * Envelope v3's writer counters (docs/UNLINKABLE.md §4: list index, intro counters) as this identity last stored
   * them, or null; plain JSON, MAC'd like every entry (src-main/records/v3-counters.ts reads it).
   */
  counters(): string | null {
    return this.read('k/v3-counters');
  }

  /** Stores the counters. Written in the background: one lost costs a reused tag (harmless), never a missed one. */
  rememberCounters(json: string): void {
    this.defer(() => this.write('k/v3-counters', json));
  }

  /**
   * What `charts upgrade-v3` recorded for a v1 chart (src-main/records/upgrade-v3.ts): the new chart's id, sealed to
   * this identity's box key by the caller (the pairing of the two charts is what the ledger must not show), or null.
   */
  upgradePairing(chartId: string): string | null {
    return this.read(`u/${chartId}`);
  }

  /**
   * Stores the sealed pairing now, not in the background, and resolves once it is on disk: the v3 chart is posted
   * only after this, so a crash before its v1 tombstone finds the pairing and never makes a second copy.
   */
  async rememberUpgradePairing(chartId: string, sealed: string): Promise<void> {
    const name = `u/${chartId}`;
    await this.db.put(this.key(name), this.entry(name, sealed));
    await this.db.flushed;
  }

  private key(name: string): string {
    return this.prefix + name;
  }

  /** The entry's text if its MAC is this identity's; a forged or damaged entry is removed. */
  private read(name: string): string | null {
    const key = this.key(name);
    const value = this.db.get(key);
    if (!value) return null;
    const text = value.subarray(MAC_BYTES);
    if (value.length < MAC_BYTES || !bytesEqual(value.subarray(0, MAC_BYTES), this.mac(name, text))) {
      this.db.remove(key).catch(ignore);
      return null;
    }
    return decoder.decode(text);
  }

  private write(name: string, text: string): void {
    // A cache write that fails (disk full, say) costs a re-verification later, nothing else.
    this.db.put(this.key(name), this.entry(name, text)).catch(ignore);
  }

  private entry(name: string, text: string): Buffer {
    const body = encoder.encode(text);
    const value = Buffer.allocUnsafe(MAC_BYTES + body.length);
    value.set(body, MAC_BYTES);
    value.set(this.mac(name, body), 0);
    return value;
  }

  /** The entry's name is under the MAC too, so an entry cannot be moved to stand for another transaction or chart. */
  private mac(name: string, body: Uint8Array): Uint8Array {
    return this.holder.localMac(concatBytes(encoder.encode(`${FORMAT}\0${name}\0`), body));
  }
}

const ignore = () => undefined;

// The settings service: effective settings = defaults, overlaid by the user's file, overlaid by IT's managed
// policy (which wins and is reported as locked). Managed policies are re-read on demand (e.g. window focus) or
// periodically; a policy that cannot be trusted is ignored with a logged reason and the last good one stays.
import path from 'node:path';
import { DEFAULT_SETTINGS, SETTING_KEYS, isSettingKey, parsePartialSettings } from './settings';
import type { PartialSettings, SettingKey, Settings } from './settings';
import { SettingsError } from './errors';
import { UserSettingsStore, USER_SETTINGS_FILE } from './user-store';
import type { ManagedReadResult, ManagedSettingsReader } from './managed/reader';
import { consoleSettingsLogger } from './logger';
import type { SettingsLogger } from './logger';

export interface SettingsView {
  values: Settings;
  locked: SettingKey[];
}

/** A patch from the UI: a value sets the key, null returns it to its default. */
export type SettingsPatch = { [K in SettingKey]?: Settings[K] | null };

export interface ManagedStatus {
  source: string;
  status: ManagedReadResult['status'];
  /** Why the last read was rejected (the last good policy is still applied). */
  reason?: string;
  checkedAt: string;
  managedKeys: SettingKey[];
}

export interface SettingsServiceOptions {
  userStore: UserSettingsStore;
  managedReader: ManagedSettingsReader;
  logger?: SettingsLogger;
}

type Listener = (view: SettingsView) => void;

function cloneSettings(values: Settings): Settings {
  return { ...values, nodeUrls: [...values.nodeUrls], trustedPractitionerKeys: [...values.trustedPractitionerKeys] };
}

export class SettingsService {
  private managed: PartialSettings = {};
  private user: PartialSettings = {};
  private status: ManagedStatus;
  private readonly listeners = new Set<Listener>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: SettingsLogger;
  private readonly userStore: UserSettingsStore;
  private readonly managedReader: ManagedSettingsReader;

  private constructor(options: SettingsServiceOptions) {
    this.userStore = options.userStore;
    this.managedReader = options.managedReader;
    this.log = options.logger ?? consoleSettingsLogger;
    this.status = {
      source: this.managedReader.description,
      status: 'absent',
      checkedAt: new Date(0).toISOString(),
      managedKeys: [],
    };
  }

  static async open(options: SettingsServiceOptions): Promise<SettingsService> {
    const service = new SettingsService(options);
    service.user = await options.userStore.load();
    await service.refreshManaged();
    return service;
  }

  /** Convenience for the app: the user file lives in Electron's userData directory. */
  static async openInUserData(
    userDataDir: string,
    managedReader: ManagedSettingsReader,
    logger: SettingsLogger = consoleSettingsLogger,
  ): Promise<SettingsService> {
    return SettingsService.open({
      userStore: new UserSettingsStore(path.join(userDataDir, USER_SETTINGS_FILE), logger),
      managedReader,
      logger,
    });
  }

  get(): SettingsView {
    const managed = this.managed;
    const itManaged = this.isItManaged();
    // On a machine IT manages, only IT may open node URLs to users: the user's own value is ignored and locked.
    const allowUserNodeUrls =
      managed.allowUserNodeUrls ??
      (itManaged ? false : (this.user.allowUserNodeUrls ?? DEFAULT_SETTINGS.allowUserNodeUrls));
    const values = cloneSettings({ ...DEFAULT_SETTINGS, ...this.user, ...managed, allowUserNodeUrls } as Settings);
    if (managed.nodeUrls === undefined && !allowUserNodeUrls) values.nodeUrls = [...DEFAULT_SETTINGS.nodeUrls];
    const locked = SETTING_KEYS.filter((key) => this.isLockedByIt(key) || (key === 'nodeUrls' && !allowUserNodeUrls));
    return { values, locked };
  }

  /**
   * IT manages this machine when a managed-settings source exists (the Linux policy file, a value or the key itself
   * under either Windows policy key, a managed plist for the bundle id), even an empty one or one ignored as malformed:
   * then `allowUserNodeUrls` defaults to false and only IT can set it.
   */
  isItManaged(): boolean {
    return this.status.status !== 'absent';
  }

  /** The node URLs IT pinned ([] when none): the only user-independent node URLs besides the embedded node. */
  managedNodeUrls(): string[] {
    return [...(this.managed.nodeUrls ?? [])];
  }

  private isLockedByIt(key: SettingKey): boolean {
    return this.managed[key] !== undefined || (key === 'allowUserNodeUrls' && this.isItManaged());
  }

  managedStatus(): ManagedStatus {
    return { ...this.status, managedKeys: [...this.status.managedKeys] };
  }

  async setUser(patch: unknown): Promise<SettingsView> {
    return this.serialized(async () => {
      const { sets, resets } = this.validatePatch(patch);
      const next: PartialSettings = { ...this.user, ...sets };
      for (const key of resets) delete next[key];
      const before = this.get();
      try {
        await this.userStore.save(next);
      } catch (error) {
        throw new SettingsError(
          'WRITE_FAILED',
          `could not save settings to ${this.userStore.filePath}: ${(error as Error).message}`,
        );
      }
      this.user = next;
      return this.emitIfChanged(before);
    });
  }

  /**
   * Who pinned the hospital authority in effect: IT (managed, wins and cannot be changed here), this machine's user
   * file (first run: set up or join), or nobody.
   */
  authorityPinnedBy(): 'managed' | 'user' | null {
    if (this.managed.hospitalAuthority) return 'managed';
    if (this.user.hospitalAuthority) return 'user';
    return null;
  }

  /**
   * Pins the hospital authority in the USER settings file (the first-run "set up" / "join" choices). Kept apart from
   * setUser on purpose: the IPC settings patch cannot carry it, and only a verified authority reaches this call.
   * Refused while IT pins one (managed); an authority already pinned here is replaced only with `replace`.
   */
  async pinAuthority(authorityId: string, options: { replace?: boolean } = {}): Promise<SettingsView> {
    if (this.managed.hospitalAuthority !== undefined) {
      throw new SettingsError(
        'SETTING_LOCKED',
        'The hospital authority of this computer is set by your IT department and cannot be changed here',
        ['hospitalAuthority'],
      );
    }
    const current = this.user.hospitalAuthority;
    if (current && current !== authorityId && !options.replace) {
      throw new SettingsError(
        'INVALID_SETTING',
        `This computer already belongs to the hospital authority ${current}; it is not replaced silently`,
        ['hospitalAuthority'],
      );
    }
    if (!authorityId)
      throw new SettingsError('INVALID_SETTING', 'No hospital authority id given', ['hospitalAuthority']);
    return this.setUser({ hospitalAuthority: authorityId });
  }

  /** Re-reads the managed policy; returns true when the effective settings changed. */
  async refreshManaged(): Promise<boolean> {
    return this.serialized(async () => {
      let result: ManagedReadResult;
      try {
        result = await this.managedReader.read();
      } catch (error) {
        result = {
          status: 'rejected',
          source: this.managedReader.description,
          reason: `reading failed: ${(error as Error).message}`,
        };
      }
      const checkedAt = new Date().toISOString();
      const before = this.get();
      if (result.status === 'rejected') {
        // Log each distinct problem once, not on every periodic check.
        if (this.status.status !== 'rejected' || this.status.reason !== result.reason) {
          this.log.warn(`managed settings ignored (keeping the last good policy): ${result.reason}`);
        }
        this.status = { ...this.status, source: result.source, status: 'rejected', reason: result.reason, checkedAt };
        // A policy IT meant to set but got wrong still marks the machine as managed (isItManaged).
        return this.emitIfChanged(before) !== before;
      }
      this.managed = result.status === 'ok' ? result.values : {};
      const managedKeys = SETTING_KEYS.filter((key) => this.managed[key] !== undefined);
      if (this.status.status !== result.status || this.status.managedKeys.join() !== managedKeys.join()) {
        this.log.info(
          result.status === 'ok'
            ? `managed settings from ${result.source}: ${managedKeys.join(', ') || 'none'}`
            : `no managed settings (${result.source})`,
        );
      }
      this.status = { source: result.source, status: result.status, checkedAt, managedKeys };
      return this.emitIfChanged(before) !== before;
    });
  }

  /**
   * Re-reads the managed policy when its source reports a change (where the platform can) and every intervalMs in
   * any case; returns a function that stops both.
   */
  watchManaged(intervalMs = 60_000): () => void {
    const refresh = () => {
      void this.refreshManaged();
    };
    const timer = setInterval(refresh, intervalMs);
    timer.unref?.();
    const stopWatching = this.managedReader.watch?.(refresh);
    return () => {
      clearInterval(timer);
      stopWatching?.();
    };
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private validatePatch(patch: unknown): { sets: PartialSettings; resets: SettingKey[] } {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new SettingsError('INVALID_SETTING', 'settings patch must be an object');
    }
    const unknown = Object.keys(patch).filter((key) => !isSettingKey(key));
    if (unknown.length > 0) throw new SettingsError('INVALID_SETTING', `unknown setting(s): ${unknown.join(', ')}`);
    const entries = Object.entries(patch) as [SettingKey, unknown][];
    const view = this.get();
    const lockedKeys = entries.map(([key]) => key).filter((key) => this.isLockedByIt(key));
    if (lockedKeys.length > 0) {
      throw new SettingsError(
        'SETTING_LOCKED',
        `managed by your IT department and cannot be changed here: ${lockedKeys.join(', ')}`,
        lockedKeys,
      );
    }
    if ('nodeUrls' in patch && view.locked.includes('nodeUrls')) {
      throw new SettingsError(
        'NODE_URLS_NOT_ALLOWED',
        'your IT department does not allow choosing node URLs on this computer',
        ['nodeUrls'],
      );
    }
    const resets = entries.filter(([, value]) => value === null).map(([key]) => key);
    const parsed = parsePartialSettings(Object.fromEntries(entries.filter(([, value]) => value !== null)));
    if (!parsed.ok) {
      throw new SettingsError(
        'INVALID_SETTING',
        parsed.reason,
        entries.map(([key]) => key).filter((key) => !resets.includes(key)),
      );
    }
    return { sets: parsed.values, resets };
  }

  private emitIfChanged(before: SettingsView): SettingsView {
    const after = this.get();
    if (JSON.stringify(after) === JSON.stringify(before)) return before;
    for (const listener of this.listeners) {
      try {
        listener(this.get());
      } catch (error) {
        this.log.warn(`settings change listener failed: ${(error as Error).message}`);
      }
    }
    return after;
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

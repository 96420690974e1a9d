// The single-machine default (docs/EMERGENCY.md, "Operations"): on a workstation running its own embedded node, the
// emergency service runs beside it, in this process, with this machine's emergency key from the keychain — but only
// while the pinned authority's published emergency key IS that key (the one "set up this hospital" made). Anything
// else (no authority, no key published, another machine's key, no key here) leaves it idle: a hospital server runs
// `npm run emergency-service` instead. It answers from the ledger alone, so starting, stopping or restarting it
// never grants twice (service.ts).
import { CredentialRegistry } from '../authority/credential-registry';
import { EMERGENCY_SERVICE, loadEmergencyKey } from '../emergency/emergency-key';
import { EmergencyService, type EmergencyLedger, type ServiceEvent } from '../emergency/service';
import type { SeedKeyHolder } from '../crypto/seed-key-holder';

export interface BesideNodeOptions {
  ledger: EmergencyLedger;
  /** The pinned authority id now ('' for none): read at every check, so a later set-up starts the service. */
  authorityId: () => string;
  keychainService?: string;
  pollMs?: number;
  /** How often an idle runner checks again whether it should serve (default 30 s). */
  recheckMs?: number;
  log?: (event: ServiceEvent | { event: 'serving' | 'idle'; detail: string }) => void;
}

export interface BesideNode {
  stop(): Promise<void>;
}

export function startEmergencyBesideNode(options: BesideNodeOptions): BesideNode {
  const stop = new AbortController();
  const log = options.log ?? (() => {});
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });

  /** This machine's key when it is the one the pinned authority publishes; null otherwise (with why). */
  async function ourKey(): Promise<{ key: SeedKeyHolder; authorityId: string } | string> {
    const authorityId = options.authorityId();
    if (!authorityId) return 'no hospital authority is pinned';
    const authority = await new CredentialRegistry(options.ledger, authorityId).authority();
    const published = authority.emergencyKey;
    if (!published) return 'the authority has published no emergency key';
    const key = await loadEmergencyKey(options.keychainService ?? EMERGENCY_SERVICE).catch(() => null);
    if (!key) return 'this machine holds no emergency key';
    if (key.signKey !== published.signKey || key.boxKey !== published.boxKey) {
      key.lock();
      return "the published emergency key is another machine's";
    }
    return { key, authorityId };
  }

  const done = (async () => {
    while (!stop.signal.aborted) {
      let found: Awaited<ReturnType<typeof ourKey>>;
      try {
        found = await ourKey();
      } catch (error) {
        found = (error as Error).message;
      }
      if (typeof found === 'string') {
        log({ event: 'idle', detail: found });
        await sleep(options.recheckMs ?? 30_000);
        continue;
      }
      const { key, authorityId } = found;
      log({ event: 'serving', detail: key.signKey });
      const service = new EmergencyService({ ledger: options.ledger, authorityId, key, log });
      // Serves until stopped, or until the pinned authority changes (then it checks again).
      const changed = new AbortController();
      const onStop = () => changed.abort();
      stop.signal.addEventListener('abort', onStop, { once: true });
      const watch = (async () => {
        while (!changed.signal.aborted) {
          await sleep(options.recheckMs ?? 30_000);
          if (options.authorityId() !== authorityId) changed.abort();
        }
      })();
      await service.run(changed.signal, options.pollMs ?? 500, (error) =>
        log({ event: 'idle', detail: `a pass failed and is retried: ${(error as Error).message}` }),
      );
      changed.abort();
      stop.signal.removeEventListener('abort', onStop);
      await watch;
      key.lock();
    }
  })();

  return {
    async stop() {
      stop.abort();
      await done;
    },
  };
}

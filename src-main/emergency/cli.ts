// `npm run emergency-service -- --node <url> --authority <id> …`: the emergency-access service as its own process
// (docs/EMERGENCY.md). Logs one JSON line per event on stdout; problems go to stderr and are retried.
import { parseArgs } from 'node:util';
import { LedgerNodeClient } from '../ledger/node-client';
import { HEX64 } from '../../src-shared/ledger/patterns';
import { EMERGENCY_SERVICE, loadEmergencyKey } from './emergency-key';
import { EmergencyService } from './service';

const HELP = `Usage: npm run emergency-service -- --node <url> --authority <id> [options]
  --node <url>             ledger node (repeatable: failover in order)
  --authority <id>         the pinned hospital authority (its credentials decide who may break the glass)
  --token <token>          the node's bearer token (or HC_LEDGER_TOKEN)
  --keychain-service <s>   keychain service holding the emergency key (default "${EMERGENCY_SERVICE}")
  --init                   create the emergency key if missing, print its public keys, exit
  --poll-ms <n>            how often pending requests are read (default 500)
  --grant-hours <n>        how long a grant lasts (default 24)
  --max-grants <n>         grants per clinician per rate window (default 5)
  --rate-window-hours <n>  the rate window (default 24)
  --once                   answer what is pending, then exit`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, not "${value}"`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        node: { type: 'string', multiple: true },
        authority: { type: 'string' },
        token: { type: 'string' },
        'keychain-service': { type: 'string' },
        init: { type: 'boolean' },
        'poll-ms': { type: 'string' },
        'grant-hours': { type: 'string' },
        'max-grants': { type: 'string' },
        'rate-window-hours': { type: 'string' },
        once: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const keychainService = values['keychain-service'] ?? EMERGENCY_SERVICE;
  if (values.init) {
    const key = await loadEmergencyKey(keychainService, true);
    process.stdout.write(`${JSON.stringify({ event: 'key', signKey: key.signKey, boxKey: key.boxKey })}\n`);
    key.lock();
    return;
  }
  const nodes = values.node ?? [];
  if (nodes.length === 0) fail(`--node is required\n${HELP}`);
  const authorityId = values.authority ?? '';
  if (!HEX64.test(authorityId)) fail('--authority must be the authority transaction id (64 hex characters)');
  const token = values.token ?? process.env['HC_LEDGER_TOKEN'] ?? null;
  const ledger = new LedgerNodeClient({ nodeUrls: nodes, bearerTokenFor: () => token });
  const key = await loadEmergencyKey(keychainService).catch((error: unknown) => fail((error as Error).message));
  const service = new EmergencyService({
    ledger,
    authorityId,
    key,
    grantHours: positive(values['grant-hours'], 'grant-hours', 24),
    maxGrants: positive(values['max-grants'], 'max-grants', 5),
    rateWindowHours: positive(values['rate-window-hours'], 'rate-window-hours', 24),
    log: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
  });
  const report = (error: unknown) =>
    process.stderr.write(`${JSON.stringify({ event: 'error', detail: (error as Error).message })}\n`);
  process.stdout.write(`${JSON.stringify({ event: 'ready', signKey: key.signKey, boxKey: key.boxKey })}\n`);
  if (values.once) {
    await service.tick();
    await service.serveLaterVersions();
  } else {
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
    await service.run(stop.signal, positive(values['poll-ms'], 'poll-ms', 500), report);
  }
  key.lock();
  ledger.close();
}

main().catch((error: unknown) => fail((error as Error).stack ?? String(error)));

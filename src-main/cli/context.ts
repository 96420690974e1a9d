// What every chart command needs: the password, the vault, the ledger connection and the exit code of an error.
// Modules load when first needed (import()), so a command pays only for what it uses before its first request.
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LedgerNode } from '../ledger-node/node';
import type { KeychainCardKey, PatientCards, Vault } from '../vault';
import type { LockableKeyHolder } from '../../src-shared/crypto/keyholder';
import type { ChartService } from '../records/chart-service';
import type { CardIssuer, ChartServiceOptions } from '../records/chart-parts';
import type { DirectoryReader } from '../records/directory-parts';
import type { CliOptions } from './args';
import { mark } from './timeline';

/** A usage error: exit code 2. */
export class CliError extends Error {}

/** README.md (Command line) and the usage text (help.ts) list these. */
export const EXIT = { ok: 0, failed: 1, usage: 2, tampered: 3 } as const;

export const out = (text: string) => process.stdout.write(`${text}\n`);
export const err = (text: string) => process.stderr.write(`${text}\n`);

export async function readPassword(): Promise<string> {
  const fromEnv = process.env.HEALTHCHAIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new CliError('No password: set HEALTHCHAIN_PASSWORD or pass it on standard input');
}

export async function openVault(): Promise<Vault> {
  const { Vault } = await import('../vault');
  const service = process.env.HEALTHCHAIN_KEYCHAIN_SERVICE;
  return new Vault(service ? { service } : {});
}

/**
 * Chooses the identity and reads the password, then starts unlocking: the answer holds the unlocking under way, whose
 * key derivation (scrypt, ~0.3 s in libuv's thread pool) a command overlaps with loading the chart service and
 * connecting (start-up: docs/BENCHMARKS.md). A missing identity or password still fails before anything starts.
 */
export async function beginUnlock(wanted: string | undefined): Promise<{ unlocked: Promise<LockableKeyHolder> }> {
  const v = await openVault();
  const { identities } = await v.list();
  const chosen = wanted
    ? identities.find((i) => i.signKey === wanted || i.id === wanted)
    : identities.length === 1
      ? identities[0]
      : undefined;
  if (!chosen) {
    if (wanted) throw new CliError(`No identity ${wanted} in the keychain (see: identity list)`);
    throw new CliError(
      identities.length
        ? 'Several identities: choose one with --identity <signKey>'
        : 'No identity yet: run "identity create" first',
    );
  }
  const unlocked = v.unlock(chosen.id, await readPassword());
  mark('unlock started');
  unlocked.catch(() => {}); // the caller awaits it, later: not an unhandled rejection meanwhile
  return { unlocked };
}

/** The hospital card key in this keychain; created with a first card only on the embedded node, as the app does. */
export async function cardKeyStore(mayCreate = false): Promise<KeychainCardKey> {
  const { KeychainCardKey } = await import('../vault');
  const service = process.env.HEALTHCHAIN_CARD_KEY_SERVICE;
  return new KeychainCardKey({ ...(service ? { service } : {}), mayCreate: () => mayCreate });
}

/**
 * The vault's patient cards, loaded when a card is first issued or opened: most commands never touch one, and the
 * vault (libsodium, the keychain) is then not loaded before a command's first request (start-up: docs/BENCHMARKS.md).
 */
function cardsOnFirstUse(mayCreate: boolean): CardIssuer {
  let cards: Promise<PatientCards> | null = null;
  const get = () =>
    (cards ??= (async () => {
      const { PatientCards } = await import('../vault');
      return new PatientCards({ cardKey: await cardKeyStore(mayCreate) });
    })());
  return {
    create: async (pin) => (await get()).create(pin),
    open: async (code, pin) => (await get()).open(code, pin),
    forChart: async (code, chartId) => (await get()).forChart(code, chartId),
  };
}

export interface Context {
  service: ChartService;
  node: LedgerNode | null;
  /**
   * The envelope a chart is written in: its CREATE's (a chart keeps its first envelope), read from the node; null
   * when no node has that CREATE yet (created in a run whose version still waits in the outbox) or none answers.
   */
  envelopeOf(chartId: string): Promise<'v1' | 'v3' | null>;
}

/**
 * The nodes to use: --node; else, unless --data asks for the embedded node, the nodeUrls IT pinned in the managed
 * settings (as `network check` reads them); else the embedded node, started here and named on stderr with its data
 * folder, so nobody mistakes an empty local ledger for the hospital's.
 */
async function chooseNodes(
  options: CliOptions,
): Promise<{ urls: string[]; node: LedgerNode | null; dataDir?: string }> {
  if (options.nodes.length > 0) return { urls: options.nodes, node: null };
  if (options.data === undefined) {
    const { createManagedSettingsReader } = await import('../settings');
    const managed = await createManagedSettingsReader('org.healthchain.workstation').read();
    const urls = managed.status === 'ok' ? [...(managed.values.nodeUrls ?? [])] : [];
    if (urls.length > 0) {
      (await import('./local-node')).discardWarmNode();
      err(`healthchain: using the ledger nodes pinned in the managed settings (${managed.source}): ${urls.join(', ')}`);
      return { urls, node: null };
    }
  }
  const { startLocalNode } = await import('./local-node');
  // In-process and for this command only, but on a local port all the same: token-protected like the app's.
  mark('starting the embedded node');
  const { node, dataDir } = await startLocalNode(options.data);
  mark('embedded node listening');
  err(
    `healthchain: no --node given and none configured: started the embedded ledger node at ${node.url}, data in ${dataDir} (give --node <url> for a ledger network)`,
  );
  return { urls: [node.url], node, dataDir };
}

/** In the bundle (out/cli, scripts/build-cli.mjs) a worker is a built file beside this one; from source, tsx's. */
export function bundledWorker(name: 'verify-worker' | 'fhir-validate-worker' | 'ledger-node-worker'): URL | undefined {
  const entry = new URL(`./${name}.js`, import.meta.url);
  return existsSync(fileURLToPath(entry)) ? entry : undefined;
}

/**
 * In the bundle, the embedded node's thread runs the bundle's entry (index.js) with ledger-node.cjs, through its code
 * cache as the command's own code (scripts/cli-entry.mjs); from source, undefined (tsx's).
 */
export function bundledNodeThread(): { url: URL; workerData: { cliBundle: string } } | undefined {
  return existsSync(fileURLToPath(new URL('./ledger-node.cjs', import.meta.url)))
    ? { url: new URL('./index.js', import.meta.url), workerData: { cliBundle: 'ledger-node.cjs' } }
    : undefined;
}

/** The user's own token for the --node nodes (`npm run ledger` prints one); never sent when the CLI runs its own. */
function bearerTokens(node: LedgerNode | null): (base: string) => string | null {
  const given = process.env.HC_LEDGER_TOKEN || null;
  return (base) => (node ? (base === node.url ? node.token : null) : given);
}

/**
 * For `practitioners`: the directory alone, on the nodes connect() would choose. It reads neither the outbox nor a
 * chart, so the outbox (lmdb) is not loaded or opened, nor the chart service built, before its first request.
 */
export async function connectDirectory(
  options: CliOptions,
): Promise<{ directory: DirectoryReader; node: LedgerNode | null }> {
  const { openDirectoryReader } = await import('../records/directory-parts');
  const { urls, node } = await chooseNodes(options);
  return { directory: openDirectoryReader({ nodeUrls: urls, client: { bearerTokenFor: bearerTokens(node) } }), node };
}

/**
 * `verifiedCache`: keep a verified cache beside the outbox (where the app keeps its own, "verified-cache"), for a
 * command that needs what it remembers between runs (charts upgrade-v3: v3 counters, pairings).
 */
export async function connect(
  options: CliOptions,
  {
    verifiedCache = false,
    ...extra
  }: Pick<ChartServiceOptions, 'fhirValidator' | 'fhirConverter' | 'ledgerEnvelope' | 'listCheckpoint'> & {
    verifiedCache?: boolean;
  } = {},
): Promise<Context> {
  // The embedded node starts (in its own thread) while the chart service loads here.
  const nodes = chooseNodes(options);
  nodes.catch(() => {}); // awaited below, once the modules are loaded: not an unhandled rejection meanwhile
  const modules = Promise.all([import('../records/chart-service'), import('../ledger-node/process/data-dir')]);
  const [{ createChartService }, { defaultDataDir }] = await modules.catch(async (error: unknown) => {
    await nodes.then(({ node }) => node?.stop()).catch(() => {});
    throw error;
  });
  const { urls, node, dataDir } = await nodes;
  // Beside the ledger folder the local node used (the CLI's former one, if its ledger could not be moved).
  const outboxDir = resolve(
    options.outbox ?? join(dirname(dataDir ?? resolve(options.data ?? defaultDataDir())), 'outbox'),
  );
  mkdirSync(outboxDir, { recursive: true });
  const verifyWorkerEntry = bundledWorker('verify-worker');
  try {
    const service = await createChartService({
      nodeUrls: urls,
      outboxDir,
      cards: cardsOnFirstUse(node !== null),
      liveStream: false,
      ...(verifiedCache ? { cacheDir: join(dirname(outboxDir), 'verified-cache') } : {}),
      ...extra,
      ...(verifyWorkerEntry ? { verifyWorkerEntry } : {}),
      client: { bearerTokenFor: bearerTokens(node) },
    });
    const envelopeOf = async (chartId: string) => {
      const [{ LedgerNodeClient }, { isV3Metadata }] = await Promise.all([
        import('../ledger/node-client'),
        import('../../src-shared/unlinkable/envelope-v3'),
      ]);
      const client = new LedgerNodeClient({ nodeUrls: urls, bearerTokenFor: bearerTokens(node) });
      let create: { operation?: string; metadata?: unknown } | null;
      try {
        create = (await client.getTransaction(chartId).catch(() => null))?.value as typeof create;
      } finally {
        client.close();
      }
      if (create?.operation !== 'CREATE') return null;
      return isV3Metadata(create.metadata) ? 'v3' : 'v1';
    };
    return { service, node, envelopeOf };
  } catch (error) {
    await node?.stop();
    throw error;
  }
}

export async function close(ctx: Context): Promise<void> {
  await ctx.service.close();
  await ctx.node?.stop();
}

/** 2 for a usage error or an invalid chart or identity input, 3 for a tampered chart, 1 for everything else. */
export async function exitCodeOf(error: unknown): Promise<number> {
  if (error instanceof CliError) return EXIT.usage;
  const [{ ChartValidationError }, { ChartServiceError }, { VaultError }] = await Promise.all([
    import('../../src-shared/records/validate'),
    import('../records/errors'),
    import('../vault/errors'),
  ]);
  if (error instanceof ChartValidationError) return EXIT.usage;
  if (error instanceof VaultError && error.code === 'InvalidInput') return EXIT.usage;
  if (error instanceof ChartServiceError && error.code === 'ChartTampered') return EXIT.tampered;
  return EXIT.failed;
}

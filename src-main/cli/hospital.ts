// `npm run cli -- hospital …`: the hospital authority for IT (docs/AUTHORITY.md). Officer keys live in the OS
// keychain under their own service; acts that need several officers travel as a partially signed file that each
// officer signs on their own machine (`hospital sign`), and anyone posts once it is complete (`hospital post`).
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LedgerNode } from '../ledger-node/node';
import type { LedgerNodeClient } from '../ledger/node-client';
import type { OutboxPoster } from '../ledger/outbox-poster';
import type { QuorumLedger } from '../authority/custody-acts';
import type { OfficerKeychain } from '../authority/officer-keychain';
import type { CredentialRegistryView, PartialTransaction } from '../../src-shared/authority';
import type { SeedKeyHolder } from '../crypto/seed-key-holder';

export const HOSPITAL_USAGE = `HealthChain hospital authority — officers, the set-up ceremony, practitioner credentials.

Usage: npm run cli -- hospital <command> [arguments] [options]

Officers (keys sealed in this machine's OS keychain, service "HealthChain Authority", under an officer password)
  officer create --name <name>        make an officer key; prints its signKey and boxKey for the ceremony
  officer list                        officer keys in this keychain
  officer backup --officer <signKey> --out <file>
                                      an encrypted backup of an officer key (sealed by its password; keep offline)
  officer restore <file>              restores an officer backup into this keychain (its password)

Setting up the authority
  init --name <hospital> --one-machine [--officer-name <name>]
                                      single machine: a 1-of-1 authority, its officer key made here; posts it, and
                                      publishes this machine's emergency key (made in its keychain if missing)
  init --name <hospital> --threshold <m> --officer <name>:<signKey>:<boxKey> (one per officer) --out <file>
                                      writes the ceremony (an authority CREATE, the recovery key split m-of-n and
                                      sealed to each officer) as a file EVERY officer must sign
  sign <file> [--officer <signKey>]   add this officer's signature to a partially signed file; prints who signed, by
                                      name where this computer can tell (with --authority <id>, the authority's
                                      officer names; else this keychain's)
  post <file>                         post it once signed by enough officers; prints the transaction id (for the
                                      ceremony: the authority id to pin)

Credentials (--authority <id>, or HEALTHCHAIN_AUTHORITY)
  credential issue --name <n> --licence <l> --specialty <s> --sign-key <k> --box-key <k> --valid-until <date>
                   [--valid-from <date>] [--supersedes <credentialId>]
  credential renew <credentialId> --valid-until <date>
  credential revoke <credentialId> [--reason <text>]
        each signs with --officer (or the only officer in this keychain) and posts when that is enough;
        otherwise it writes --out <file> for the other officers to "sign" and then "post"
  credentials                         every credential with its status now, and what was ignored and why

Emergency access (--authority <id>; docs/EMERGENCY.md)
  emergency-key                       the emergency key the authority has published (or none)
  emergency-key --publish [--sign-key <k> --box-key <k>]
                                      publishes (or replaces) the emergency key: the keys given (printed by
                                      "npm run emergency-service -- --init" on the service's host), or else this
                                      machine's (created in its keychain if missing). A quorum act: signs with
                                      --officer and posts when enough, else writes --out for the other officers

Custody of charts (--authority <id>; every act a transaction signed by the quorum)
  recover <chartId>... --to <signKey|credentialId> [--reason <text>] --officer <signKey> (m of them)
                                      the officers (in this keychain) open their recovery shares, the recovery key is
                                      rebuilt in memory, and custody moves to the named credentialed doctor
  offboard <signKey|credentialId> --to <signKey|credentialId> [--reason <text>] --officer <signKey> (m of them)
                                      revokes the credential and moves custody of the doctor's charts; a chart
                                      that cannot move is listed NOT MOVED with its reason (exit 1)
  rekey <signKey|credentialId> --sign-key <new> --box-key <new> --officer <signKey> (m of them)
                                      a credential for the doctor's new identity (superseding the old), their charts
                                      moved to it, the old credential revoked
  migrate [--identity <signKey>] [--outbox <dir>]
                                      as the doctor (their password): moves each chart they hold, written before the
                                      authority, under it (1-of-[custodian, quorum] output, data key wrapped to the
                                      recovery key)
  Officers on separate machines (m-of-n with files):
  recovery session --out <file>       the coordinator's one-time session key (secret file, mode 600); prints its key
  recovery share --session-key <key> [--officer <signKey>] --out <file>
                                      an officer opens their share and seals it to the session key, as a file
  recover <chartId> --to <who> --session <file> --shares <file> (m of them) --officer <coordinator signKey> --out <f>
                                      writes the custody move as a partially signed file: "sign" it, then "post" it.
                                      An envelope v3 chart: the coordinator's key is unlocked (its password) and signs
                                      at once; each officer's tweak for the chart's head travels sealed to its box key

Options
  --node <url>      a ledger node URL (repeatable). Default: start the embedded node (--data <dir>)
  --outbox <dir>    outbox folder (default: beside the ledger data): every act is signed into it, then posted; while
                    no node answers it waits there ("queued") and the next command that reaches a node posts it
  --json            machine-readable output
  -h, --help        this text

The officer password is read from HEALTHCHAIN_PASSWORD, or else from the first line of standard input (with several
--officer: one line per officer, in order). migrate reads the doctor's password the same way.
Exit codes: 0 done, 1 failed, 2 usage error.`;

class UsageError extends Error {}

const QUEUED =
  'No ledger node answered: the signed act waits in the outbox and is posted when the node is reachable (by the next hospital command that reaches it, or the app).';

const movedLine = (m: { chartId: string; txId: string }, queued: readonly string[]) =>
  `Custody of ${m.chartId} moved: ${m.txId}${queued.includes(m.txId) ? ' (queued)' : ''}`;
const notMovedLine = (m: { chartId: string; reason: string }) => `NOT MOVED ${m.chartId}: ${m.reason}`;

const queuedNote = (queued: readonly string[]) => (queued.length ? [QUEUED] : []);

interface Options {
  positionals: string[];
  name?: string;
  threshold?: string;
  officer: string[];
  officerName?: string;
  oneMachine: boolean;
  publish: boolean;
  out?: string;
  authority?: string;
  licence?: string;
  specialty?: string;
  signKey?: string;
  boxKey?: string;
  validFrom?: string;
  validUntil?: string;
  supersedes?: string;
  reason?: string;
  to?: string;
  session?: string;
  sessionKey?: string;
  shares: string[];
  identity?: string;
  outbox?: string;
  node: string[];
  data?: string;
  json: boolean;
  help: boolean;
}

function parse(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      threshold: { type: 'string' },
      officer: { type: 'string', multiple: true },
      'officer-name': { type: 'string' },
      'one-machine': { type: 'boolean' },
      publish: { type: 'boolean' },
      out: { type: 'string' },
      authority: { type: 'string' },
      licence: { type: 'string' },
      specialty: { type: 'string' },
      'sign-key': { type: 'string' },
      'box-key': { type: 'string' },
      'valid-from': { type: 'string' },
      'valid-until': { type: 'string' },
      supersedes: { type: 'string' },
      reason: { type: 'string' },
      to: { type: 'string' },
      session: { type: 'string' },
      'session-key': { type: 'string' },
      shares: { type: 'string', multiple: true },
      identity: { type: 'string' },
      outbox: { type: 'string' },
      node: { type: 'string', multiple: true },
      data: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  for (const url of values.node ?? []) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--node ${url}: not an http(s) URL`);
  }
  return {
    positionals,
    name: values.name,
    threshold: values.threshold,
    officer: values.officer ?? [],
    officerName: values['officer-name'],
    oneMachine: values['one-machine'] ?? false,
    publish: values.publish ?? false,
    out: values.out,
    authority: values.authority ?? process.env.HEALTHCHAIN_AUTHORITY,
    licence: values.licence,
    specialty: values.specialty,
    signKey: values['sign-key'],
    boxKey: values['box-key'],
    validFrom: values['valid-from'],
    validUntil: values['valid-until'],
    supersedes: values.supersedes,
    reason: values.reason,
    to: values.to,
    session: values.session,
    sessionKey: values['session-key'],
    shares: values.shares ?? [],
    identity: values.identity,
    outbox: values.outbox,
    node: values.node ?? [],
    data: values.data,
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

const out = (text: string) => process.stdout.write(`${text}\n`);

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new UsageError(`${what} is required`);
  return value;
}

function date(text: string | undefined, what: string): Date {
  const d = new Date(need(text, what));
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text!))
    throw new UsageError(`${what}: "${text}" is not a date (2027-01-31 or 2027-01-31T12:00:00Z)`);
  return d;
}

export async function readPassword(): Promise<string> {
  const fromEnv = process.env.HEALTHCHAIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('Officer password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new UsageError('No password: set HEALTHCHAIN_PASSWORD or pass it on standard input');
}

/** `count` passwords: HEALTHCHAIN_PASSWORD for each, or else one line of standard input each. */
async function readPasswords(count: number): Promise<string[]> {
  const fromEnv = process.env.HEALTHCHAIN_PASSWORD;
  if (fromEnv) return Array.from({ length: count }, () => fromEnv);
  if (process.stdin.isTTY) process.stderr.write(`${count} officer password(s), one per line: `);
  const lines = createInterface({ input: process.stdin, terminal: false });
  const got: string[] = [];
  for await (const line of lines) {
    got.push(line);
    if (got.length === count) break;
  }
  lines.close();
  if (got.length < count)
    throw new UsageError(
      `${count} password(s) needed: set HEALTHCHAIN_PASSWORD or pass one per line on standard input`,
    );
  return got;
}

/** This machine's emergency key (created in its keychain if missing): public keys only leave this function. */
async function localEmergencyKey(): Promise<{ signKey: string; boxKey: string }> {
  const { EMERGENCY_SERVICE, loadEmergencyKey } = await import('../emergency/emergency-key');
  const key = await loadEmergencyKey(process.env.HEALTHCHAIN_EMERGENCY_KEYCHAIN_SERVICE || EMERGENCY_SERVICE, true);
  const published = { signKey: key.signKey, boxKey: key.boxKey };
  key.lock();
  return published;
}

export async function officerKeychain(): Promise<OfficerKeychain> {
  const { OfficerKeychain } = await import('../authority/officer-keychain');
  const service = process.env.HEALTHCHAIN_OFFICER_KEYCHAIN_SERVICE;
  return new OfficerKeychain(service ? { service } : {});
}

export interface Connection {
  client: LedgerNodeClient;
  node: LedgerNode | null;
  urls: string[];
  tokenFor(base: string): string | null;
  /**
   * Where this command's acts are posted: the outbox the doctor's commands use, opened on first use, which first
   * posts what earlier runs left queued (an act may spend one of them). Queued acts survive the command's end.
   */
  acts(): Promise<OutboxPoster>;
  close(): Promise<void>;
}

/** The outbox beside the ledger data, as the doctor's commands use (src-main/cli/context.ts), or --outbox. */
async function outboxDirOf(options: Pick<Options, 'outbox' | 'data'>): Promise<string> {
  const { defaultDataDir } = await import('../ledger-node/process/data-dir');
  const dir = resolve(options.outbox ?? join(dirname(resolve(options.data ?? defaultDataDir())), 'outbox'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The node client for reads, the outbox for the acts it posts. */
function quorumLedger(client: LedgerNodeClient, acts: OutboxPoster): QuorumLedger {
  const ledger: QuorumLedger = {
    listTransactions: (assetId) => client.listTransactions(assetId),
    getTransaction: (id) => client.getTransaction(id),
    listOutputs: (publicKey, options) => client.listOutputs(publicKey, options),
    post: (tx, mode) => acts.post(tx, mode),
    isQueued: (txId) => acts.isQueued(txId),
  };
  // Charts written in envelope v3 are moved by the officers' tweaked keys (records/quorum-move-v3.ts), loaded on first
  // use so the CLI's start-up does not pay for it.
  const mover = async () =>
    (await import('../records/quorum-move-v3')).v3QuorumMover({
      ...ledger,
      nodeUrls: client.nodeUrls,
      searchMetadata: (text, limit) => client.searchMetadata(text, limit),
    });
  return {
    ...ledger,
    v3: {
      isV3: async (chartId) => (await mover()).isV3(chartId),
      move: async (input) => (await mover()).move(input),
      prepare: async (input) => (await mover()).prepare(input),
      // Off-boarding and re-keying find the doctor's v3 charts by their recovery tags (docs/UNLINKABLE.md §13).
      heldBy: async (input) => (await mover()).heldBy!(input),
    },
  };
}

export async function connect(options: Pick<Options, 'node' | 'data' | 'outbox'>): Promise<Connection> {
  const { LedgerNodeClient } = await import('../ledger/node-client');
  let node: LedgerNode | null = null;
  let urls = options.node;
  let data = options.data;
  if (urls.length === 0) {
    const { startLocalNode } = await import('./local-node');
    const local = await startLocalNode(options.data);
    node = local.node;
    data = local.dataDir;
    urls = [node.url];
  }
  const own = node;
  // As the other commands: the CLI's own node gets its token; --node nodes get HC_LEDGER_TOKEN, if set.
  const given = process.env.HC_LEDGER_TOKEN || null;
  const tokenFor = (base: string) => (own ? (base === own.url ? own.token : null) : given);
  const client = new LedgerNodeClient({ nodeUrls: urls, bearerTokenFor: tokenFor });
  let opened: { poster: OutboxPoster; close(): Promise<void> } | null = null;
  return {
    client,
    node,
    urls,
    tokenFor,
    acts: async () => {
      if (!opened) {
        const [{ Outbox }, { OutboxSender }, { OutboxPoster }] = await Promise.all([
          import('../ledger/outbox'),
          import('../ledger/outbox-sender'),
          import('../ledger/outbox-poster'),
        ]);
        const outbox = await Outbox.open(await outboxDirOf({ outbox: options.outbox, data }));
        const sender = new OutboxSender(outbox, client);
        const poster = new OutboxPoster(outbox, sender);
        opened = {
          poster,
          close: async () => {
            await sender.idle();
            await outbox.close();
          },
        };
        await poster.flush();
      }
      return opened.poster;
    },
    close: async () => {
      await opened?.close();
      client.close();
      await node?.stop();
    },
  };
}

function parseOfficer(text: string) {
  const parts = text.split(':');
  if (parts.length !== 3 || parts.some((p) => !p.trim()))
    throw new UsageError(`--officer ${text}: expected <name>:<signKey>:<boxKey>`);
  return { name: parts[0]!.trim(), signKey: parts[1]!.trim(), boxKey: parts[2]!.trim() };
}

function readPartial(path: string | undefined): Promise<PartialTransaction> {
  const file = need(path, 'a partially signed transaction file');
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  return import('../../src-shared/authority').then((a) => a.parsePartial(readFileSync(file, 'utf8')));
}

function writeFile(path: string, partial: PartialTransaction): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify(partial, null, 2)}\n`, { mode: 0o600 });
}

/**
 * An envelope v3 quorum move: the file names no officer (its keys are tweaked, its boxes anonymous), so the officer
 * is the one chosen, or the only one in this keychain; its box in the file is opened and checked before it signs.
 */
async function signSlotWithOfficer(
  keychain: OfficerKeychain,
  partial: PartialTransaction,
  wanted: string | undefined,
): Promise<Signed> {
  const mine = await keychain.list();
  const chosen = wanted ? mine.find((o) => o.signKey === wanted) : mine.length === 1 ? mine[0] : undefined;
  if (!chosen)
    throw new UsageError(
      wanted
        ? `officer ${wanted} is not in this keychain`
        : mine.length
          ? 'several officers are in this keychain: choose one with --officer <signKey>'
          : 'no officer key is in this keychain',
    );
  const { signSlot } = await import('../authority/quorum-move-slots');
  const holder = await keychain.unlock(chosen.signKey, await readPassword());
  try {
    const signed = await signSlot(partial, holder);
    process.stderr.write(`${chosen.name} (${chosen.signKey}) signed: ${signed.purpose}\n`);
    return { partial: signed.partial, tweaked: signed.signers };
  } finally {
    holder.lock();
  }
}

/** Signs with the chosen officer (or the only one in this keychain). */
async function signWithOfficer(partial: PartialTransaction, wanted: string | undefined): Promise<PartialTransaction> {
  return (await signAndMap(partial, wanted)).partial;
}

/**
 * The file signed, and for an envelope v3 move the tweaked keys this officer's box maps back to directory keys (its
 * own and the coordinator's, quorum-move-slots.ts); empty for any other act, whose signers are directory keys.
 */
interface Signed {
  partial: PartialTransaction;
  tweaked: ReadonlyMap<string, string>;
}

async function signAndMap(partial: PartialTransaction, wanted: string | undefined): Promise<Signed> {
  const keychain = await officerKeychain();
  if (partial.officerSlots) return signSlotWithOfficer(keychain, partial, wanted);
  const { signPartial } = await import('../authority/hospital');
  const { requiredKeys } = await import('../../src-shared/authority');
  const needed = requiredKeys(partial);
  const mine = (await keychain.list()).filter((o) => needed.has(o.signKey));
  const chosen = wanted ? mine.find((o) => o.signKey === wanted) : mine.length === 1 ? mine[0] : undefined;
  if (!chosen) {
    if (wanted) throw new UsageError(`officer ${wanted} is not in this keychain, or is not one this transaction needs`);
    throw new UsageError(
      mine.length
        ? 'several officers of this authority are in this keychain: choose one with --officer <signKey>'
        : 'no officer of this authority is in this keychain',
    );
  }
  const { describePartial } = await import('../../src-shared/authority');
  process.stderr.write(`${chosen.name} (${chosen.signKey}) signs: ${describePartial(partial)}\n`);
  const holder = await keychain.unlock(chosen.signKey, await readPassword());
  try {
    return { partial: await signPartial(partial, holder), tweaked: new Map() };
  } finally {
    holder.lock();
  }
}

/** What `sign` prints for a signer whose name this computer cannot tell (as the IT desk shows it). */
const UNNAMED_OFFICER = 'an officer this computer cannot name';

/**
 * Officers' names by directory key, as the IT desk names signers (hospital-desk.ts #officerNames): the ceremony file's
 * own list; else the authority's published list when --authority is given and a node answers; and the names of the
 * officer keys in this keychain for the rest. Names are a courtesy: a node that does not answer gives none.
 */
async function officerNames(
  options: Options,
  partial: PartialTransaction,
  connect: () => Promise<{ officers: unknown }>,
): Promise<Map<string, string>> {
  const { ceremonyOfficers, officerNameMap } = await import('../../src-shared/authority');
  const own = ceremonyOfficers(partial);
  const published =
    own === null && options.authority
      ? await connect().then(
          (a) => a.officers,
          () => [],
        )
      : [];
  return officerNameMap(own, published, await (await officerKeychain()).list());
}

/** Posts when complete; otherwise writes --out for the other officers. */
async function postOrWrite(
  options: Options,
  conn: Connection,
  partial: PartialTransaction,
): Promise<{ posted: string | null; queued: boolean; file: string | null; signedBy: string[] }> {
  const { signedBy } = await import('../../src-shared/authority');
  const { postPartial } = await import('../authority/hospital');
  const { AuthorityInputError } = await import('../../src-shared/authority');
  try {
    const { tx, outcome } = await postPartial(await conn.acts(), partial);
    return { posted: tx.id, queued: outcome === 'queued', file: null, signedBy: signedBy(partial) };
  } catch (error) {
    if (!(error instanceof AuthorityInputError)) throw error;
    if (!options.out) throw new UsageError(`${error.message}. Give --out <file> to pass it to the other officers.`);
    writeFile(options.out, partial);
    return { posted: null, queued: false, file: resolve(options.out), signedBy: signedBy(partial) };
  }
}

function authorityOf(options: Options): string {
  const authority = need(options.authority, '--authority <id> (or HEALTHCHAIN_AUTHORITY)');
  if (!/^[0-9a-f]{64}$/.test(authority)) throw new UsageError(`--authority ${authority}: not a transaction id`);
  return authority;
}

async function registryOf(options: Options, conn: Connection) {
  const { CredentialRegistry } = await import('../authority/credential-registry');
  return new CredentialRegistry(conn.client, authorityOf(options));
}

async function registryView(options: Options, conn: Connection) {
  return (await registryOf(options, conn)).load();
}

/** The --officer keys of this authority, each unlocked with its own password; the caller locks them. */
async function unlockOfficers(options: Options, view: CredentialRegistryView): Promise<SeedKeyHolder[]> {
  const wanted = options.officer;
  if (wanted.length === 0) throw new UsageError('--officer <signKey> is required for each signing officer (m of them)');
  const members = new Set(view.authority.data.officers.map((o) => o.signKey));
  for (const key of wanted)
    if (!members.has(key)) throw new UsageError(`--officer ${key}: not an officer of this authority`);
  const keychain = await officerKeychain();
  const passwords = await readPasswords(wanted.length);
  const holders: SeedKeyHolder[] = [];
  try {
    for (let i = 0; i < wanted.length; i++) holders.push(await keychain.unlock(wanted[i]!, passwords[i]!));
    return holders;
  } catch (error) {
    for (const h of holders) h.lock();
    throw error;
  }
}

async function withOfficers<T>(
  options: Options,
  view: CredentialRegistryView,
  fn: (officers: SeedKeyHolder[]) => Promise<T>,
): Promise<T> {
  const officers = await unlockOfficers(options, view);
  try {
    return await fn(officers);
  } finally {
    for (const o of officers) o.lock();
  }
}

function chartIdsOf(options: Options): string[] {
  const ids = options.positionals.slice(1);
  if (ids.length === 0) throw new UsageError('recover <chartId>...: at least one chart id');
  for (const id of ids) if (!/^[0-9a-f]{64}$/.test(id)) throw new UsageError(`${id}: not a chart id`);
  return ids;
}

const SESSION_FORMAT = 'healthchain.recovery-session';
const SHARE_FORMAT = 'healthchain.recovery-share';

function readJson(path: string, format: string): Record<string, unknown> {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new UsageError(`${path}: not JSON`);
  }
  if ((value as { format?: unknown } | null)?.format !== format) throw new UsageError(`${path}: not a ${format} file`);
  return value as Record<string, unknown>;
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The file-based m-of-n recovery: shares sealed to the coordinator's session key are opened with it, the recovery
 * key rebuilt in memory, and the custody move written as a partially signed file for the officers to sign.
 */
async function recoverWithFiles(options: Options, conn: Connection, view: CredentialRegistryView) {
  const [chartId, ...more] = chartIdsOf(options);
  if (more.length) throw new UsageError('with --shares, one chart per custody-move file');
  const out = need(options.out, '--out <file> (the custody move, for the officers to sign)');
  const coordinator = need(options.officer[0], '--officer <your officer signKey> (the coordinator)');
  const session = readJson(need(options.session, '--session <file>'), SESSION_FORMAT);
  const flows = await import('../authority/recovery-flows');
  const { fromBase64, wipe } = await import('../../src-shared/crypto/bytes');
  const sessionSecret = fromBase64(String(session.secret));
  const shares: Uint8Array[] = [];
  try {
    for (const file of options.shares) {
      const share = readJson(file, SHARE_FORMAT);
      if (share.authority !== view.authority.id) throw new UsageError(`${file}: a share of another authority`);
      if (share.sessionKey !== session.publicKey) throw new UsageError(`${file}: sealed to another session`);
      shares.push(flows.openSessionShare(sessionSecret, String(share.share)));
    }
    const secret = await flows.rebuildRecoveryKey(view.authority, shares);
    try {
      const to = flows.validPractitioner(view, need(options.to, '--to'));
      const reason = options.reason ?? 'Recovered by the hospital authority';
      const { v3QuorumMover, prepareV3MoveFile } = await import('../records/quorum-move-v3');
      if (await v3QuorumMover(conn.client).isV3(chartId!)) {
        // Envelope v3: the coordinator authors the move (its pair key introduces the new custodian) and signs it at
        // once; each officer's tweak for the head travels sealed to its box key in the file.
        const members = new Set(view.authority.data.officers.map((o) => o.signKey));
        if (!members.has(coordinator))
          throw new UsageError(`--officer ${coordinator}: not an officer of this authority`);
        const holder = await (await officerKeychain()).unlock(coordinator, await readPassword());
        try {
          const partial = await prepareV3MoveFile(conn.client, {
            chartId: chartId!,
            authority: view.authority,
            recoverySecret: secret,
            to,
            reason,
            coordinator: holder,
          });
          writeFile(out, partial);
          return { file: resolve(out), chartId, purpose: partial.purpose, envelope: 'v3' as const };
        } finally {
          holder.lock();
        }
      }
      const head = await flows.readChartHead(conn.client, chartId!);
      const payload = await flows.openWithRecoveryKey(view.authority, head, secret);
      const partial = flows.prepareCustodyMove({
        authority: view.authority,
        head,
        payload,
        to,
        coordinator,
        reason,
      });
      writeFile(out, partial);
      return { file: resolve(out), chartId, purpose: partial.purpose, envelope: 'v1' as const };
    } finally {
      wipe(secret);
    }
  } finally {
    wipe(sessionSecret, ...shares);
  }
}

async function migrate(options: Options, conn: Connection) {
  const authority = authorityOf(options);
  const { Vault } = await import('../vault');
  const service = process.env.HEALTHCHAIN_KEYCHAIN_SERVICE;
  const vault = new Vault(service ? { service } : {});
  const { identities } = await vault.list();
  const chosen = options.identity
    ? identities.find((i) => i.signKey === options.identity || i.id === options.identity)
    : identities.length === 1
      ? identities[0]
      : undefined;
  if (!chosen)
    throw new UsageError(
      options.identity
        ? `No identity ${options.identity} in the keychain`
        : 'Choose the doctor with --identity <signKey> (none, or several, in this keychain)',
    );
  const holder = await vault.unlock(chosen.id, await readPassword());
  const { createChartService } = await import('../records/chart-service');
  const { chartsHeldBy } = await import('../authority/recovery-flows');
  // The outbox the doctor's other commands use (beside the ledger data, as in src-main/cli/commands.ts).
  const outboxDir = await outboxDirOf(options);
  const charts = await createChartService({
    nodeUrls: conn.urls,
    outboxDir,
    // migrate writes versions of existing charts only: it never issues a patient card.
    cards: {
      create: () => Promise.reject(new Error('hospital migrate issues no patient cards')),
    },
    liveStream: false,
    verifyWorkers: 0,
    authorityId: () => authority,
    client: { bearerTokenFor: conn.tokenFor },
  });
  try {
    const results: { chartId: string; txId: string | null; status: string }[] = [];
    for (const chartId of await chartsHeldBy(conn.client, holder.signKey)) {
      const written = await charts.migrateCustody(holder, chartId);
      results.push({
        chartId,
        txId: written?.txId ?? null,
        status: written ? written.status : 'already under the authority',
      });
    }
    return results;
  } finally {
    holder.lock();
    await charts.close();
  }
}

async function run(options: Options): Promise<number> {
  const [command, sub, arg] = options.positionals;
  const print = (value: unknown, text: string) => out(options.json ? JSON.stringify(value, null, 2) : text);
  const withNode = async <T>(fn: (conn: Connection) => Promise<T>): Promise<T> => {
    const conn = await connect(options);
    try {
      // Every command that reaches a node first posts the acts earlier runs left queued (migrate's chart service
      // opens the same outbox and posts them itself).
      if (command !== 'migrate') await conn.acts();
      return await fn(conn);
    } finally {
      await conn.close();
    }
  };

  switch (command) {
    case 'officer': {
      const keychain = await officerKeychain();
      if (sub === 'list') {
        const officers = await keychain.list();
        print(
          officers,
          officers.map((o) => `${o.signKey}  ${o.name}\n  boxKey ${o.boxKey}`).join('\n') ||
            'No officer keys in this keychain.',
        );
        return 0;
      }
      if (sub === 'create') {
        const { officer, holder } = await keychain.create(need(options.name, '--name'), await readPassword());
        holder.lock();
        print(
          officer,
          `Officer key created for ${officer.name}\n  signKey ${officer.signKey}\n  boxKey  ${officer.boxKey}\n  for the ceremony: --officer "${officer.name}:${officer.signKey}:${officer.boxKey}"`,
        );
        return 0;
      }
      if (sub === 'backup') {
        const signKey = need(options.officer[0], '--officer <signKey>');
        const out = need(options.out, '--out <file>');
        const text = await keychain.exportBackup(signKey, await readPassword());
        mkdirSync(dirname(resolve(out)), { recursive: true });
        writeFileSync(out, text, { mode: 0o600 });
        print({ file: resolve(out), signKey }, `Backup of officer ${signKey} written to ${resolve(out)}`);
        return 0;
      }
      if (sub === 'restore') {
        const file = need(arg, 'restore <file>');
        if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
        const officer = await keychain.importBackup(readFileSync(file, 'utf8'), await readPassword());
        print(officer, `Officer ${officer.name} (${officer.signKey}) restored into this keychain`);
        return 0;
      }
      throw new UsageError('officer: expected "create", "list", "backup" or "restore"');
    }
    case 'init': {
      const name = need(options.name, '--name <hospital>');
      if (options.oneMachine) {
        const { setUpOneMachineAuthority } = await import('../authority/hospital');
        const keychain = await officerKeychain();
        const password = await readPassword();
        const result = await withNode(async (conn) =>
          setUpOneMachineAuthority(
            await conn.acts(),
            keychain,
            {
              hospitalName: name,
              officerName: options.officerName ?? 'Hospital IT',
              password,
            },
            localEmergencyKey,
          ),
        );
        print(
          result,
          `Hospital authority "${name}" set up (1 of 1).${result.queued ? `\n  ${QUEUED}` : ''}\n  authority id  ${result.authorityId}   ← pin this (managed setting hospitalAuthority)\n  officer       ${result.officer.signKey} (sealed in this keychain)\n  recovery key  ${result.recoveryKey}\n  emergency key ${result.emergencyKey?.signKey ?? 'none'} (this machine's keychain)`,
        );
        return 0;
      }
      const officers = options.officer.map(parseOfficer);
      if (officers.length === 0)
        throw new UsageError('init needs --one-machine, or one --officer <name>:<signKey>:<boxKey> per officer');
      const threshold = Number(need(options.threshold, '--threshold <m>'));
      if (!Number.isInteger(threshold)) throw new UsageError(`--threshold ${options.threshold}: not a whole number`);
      const out = need(options.out, '--out <file>');
      const { prepareCeremony } = await import('../authority/hospital');
      const { partial, recoveryKey } = await prepareCeremony({ name, threshold, officers });
      writeFile(out, partial);
      print(
        { file: resolve(out), recoveryKey, officers: officers.map((o) => o.signKey) },
        `Ceremony written to ${resolve(out)}.\nEvery officer now runs: npm run cli -- hospital sign ${out} --officer <their signKey>\nThen: npm run cli -- hospital post ${out}`,
      );
      return 0;
    }
    case 'sign': {
      const file = need(sub, 'sign <file>');
      const { partial, tweaked } = await signAndMap(await readPartial(file), options.officer[0]);
      writeFile(file, partial);
      const { signedBy, requiredKeys, describePartial } = await import('../../src-shared/authority');
      const who = signedBy(partial);
      // A v3 move's keys are tweaked: named only where this officer's box maps them back (its own, the coordinator's).
      const names = await officerNames(options, partial, () =>
        withNode(async (conn) => ({ officers: (await (await registryOf(options, conn)).authority()).data.officers })),
      );
      const signers = who.map((key) => names.get(tweaked.get(key) ?? key) ?? null);
      print(
        { file: resolve(file), signedBy: who, signers, signed: describePartial(partial) },
        [
          `Signed. ${who.length} of the ${requiredKeys(partial).size} officers named have signed ${file}:`,
          ...who.map((key, i) => `  ${signers[i] ?? UNNAMED_OFFICER} (${key})`),
        ].join('\n'),
      );
      return 0;
    }
    case 'post': {
      const partial = await readPartial(sub);
      const { postPartial } = await import('../authority/hospital');
      const { tx, outcome } = await withNode(async (conn) => postPartial(await conn.acts(), partial));
      print(
        { id: tx.id, outcome, purpose: partial.purpose },
        `${outcome === 'duplicate' ? 'Already on the ledger' : outcome === 'queued' ? 'Queued' : 'Posted'}: ${tx.id}\n  ${partial.purpose}${outcome === 'queued' ? `\n  ${QUEUED}` : ''}`,
      );
      return 0;
    }
    case 'credential': {
      const { prepareIssue, prepareRenew, prepareRevoke } = await import('../authority/hospital');
      return withNode(async (conn) => {
        const view = await registryView(options, conn);
        let partial: PartialTransaction;
        if (sub === 'issue') {
          partial = prepareIssue(view.authority, {
            name: need(options.name, '--name'),
            licence: need(options.licence, '--licence'),
            specialty: options.specialty ?? '',
            signKey: need(options.signKey, '--sign-key'),
            boxKey: need(options.boxKey, '--box-key'),
            validFrom: (options.validFrom ? date(options.validFrom, '--valid-from') : new Date()).toISOString(),
            validUntil: date(options.validUntil, '--valid-until').toISOString(),
            ...(options.supersedes ? { supersedes: options.supersedes } : {}),
          });
        } else if (sub === 'renew') {
          partial = prepareRenew(view, need(arg, 'renew <credentialId>'), date(options.validUntil, '--valid-until'));
        } else if (sub === 'revoke') {
          partial = prepareRevoke(view, need(arg, 'revoke <credentialId>'), options.reason);
        } else {
          throw new UsageError('credential: expected "issue", "renew" or "revoke"');
        }
        const result = await postOrWrite(options, conn, await signWithOfficer(partial, options.officer[0]));
        print(
          { ...result, purpose: partial.purpose },
          result.posted
            ? `${result.queued ? 'Queued' : 'Posted'}: ${result.posted}\n  ${partial.purpose}${result.queued ? `\n  ${QUEUED}` : ''}`
            : `Signed by ${result.signedBy.length}; more officers must sign ${result.file} ("hospital sign"), then "hospital post" it.`,
        );
        return 0;
      });
    }
    case 'recover': {
      return withNode(async (conn) => {
        const view = await registryView(options, conn);
        if (options.shares.length) {
          const result = await recoverWithFiles(options, conn, view);
          print(
            result,
            `Custody move written to ${result.file}.\n  ${result.purpose}\nThe officers now run: npm run cli -- hospital sign ${options.out} --officer <signKey>; then: hospital post ${options.out}`,
          );
          return 0;
        }
        const { recoverCharts } = await import('../authority/custody-acts');
        const chartIds = chartIdsOf(options);
        const acts = await conn.acts();
        const moved = await withOfficers(options, view, (officers) =>
          recoverCharts(quorumLedger(conn.client, acts), view, {
            chartIds,
            to: need(options.to, '--to'),
            reason: options.reason ?? 'Recovered by the hospital authority',
            officers,
          }),
        );
        const queued = moved.map((m) => m.txId).filter((id) => acts.isQueued(id));
        print({ moved, queued }, [...moved.map((m) => movedLine(m, queued)), ...queuedNote(queued)].join('\n'));
        return 0;
      });
    }
    case 'offboard': {
      return withNode(async (conn) => {
        const view = await registryView(options, conn);
        const { offboard } = await import('../authority/custody-acts');
        const acts = await conn.acts();
        const done = await withOfficers(options, view, (officers) =>
          offboard(quorumLedger(conn.client, acts), view, {
            leaving: need(sub, 'offboard <signKey|credentialId>'),
            to: need(options.to, '--to'),
            reason: options.reason ?? 'Off-boarded',
            officers,
          }),
        );
        const queued = [done.revoked, ...done.moved.map((m) => m.txId)].filter(
          (id): id is string => id !== null && acts.isQueued(id),
        );
        const result = { ...done, queued };
        print(
          result,
          [
            result.revoked
              ? `Credential revoked: ${result.revoked}${queued.includes(result.revoked) ? ' (queued)' : ''}`
              : 'The credential was already revoked.',
            ...result.moved.map((m) => movedLine(m, queued)),
            ...result.notMoved.map(notMovedLine),
            ...queuedNote(queued),
          ].join('\n'),
        );
        // The credential is revoked whatever happened to the charts; a chart left behind is IT's to look at.
        return result.notMoved.length ? 1 : 0;
      });
    }
    case 'rekey': {
      return withNode(async (conn) => {
        const registry = await registryOf(options, conn);
        const view = await registry.load();
        const { rekey } = await import('../authority/custody-acts');
        const acts = await conn.acts();
        const done = await withOfficers(options, view, (officers) =>
          rekey(quorumLedger(conn.client, acts), registry, {
            old: need(sub, 'rekey <signKey|credentialId>'),
            signKey: need(options.signKey, '--sign-key'),
            boxKey: need(options.boxKey, '--box-key'),
            officers,
          }),
        );
        const queued = [done.issued, done.revoked, ...done.moved.map((m) => m.txId)].filter(
          (id): id is string => id !== null && acts.isQueued(id),
        );
        const result = { ...done, queued };
        print(
          result,
          [
            `New credential: ${result.issued}${queued.includes(result.issued) ? ' (queued)' : ''}`,
            ...result.moved.map((m) => movedLine(m, queued)),
            ...result.notMoved.map(notMovedLine),
            result.waiting.length
              ? `Not moved yet (${result.waiting.length} chart(s)): they move to the new identity with "hospital recover" once the new credential is posted.`
              : result.revoked
                ? `Old credential revoked: ${result.revoked}${queued.includes(result.revoked) ? ' (queued)' : ''}`
                : 'The old credential was already revoked.',
            ...queuedNote(queued),
          ].join('\n'),
        );
        return result.notMoved.length ? 1 : 0;
      });
    }
    case 'migrate': {
      const results = await withNode((conn) => migrate(options, conn));
      print(
        { charts: results },
        results.map((r) => `${r.chartId}  ${r.status}${r.txId ? ` ${r.txId}` : ''}`).join('\n') ||
          'This doctor holds no charts.',
      );
      return 0;
    }
    case 'recovery': {
      const { toBase64 } = await import('../../src-shared/crypto/bytes');
      if (sub === 'session') {
        const out = need(options.out, '--out <file>');
        const { newRecoveryKeyPair } = await import('../../src-shared/authority');
        // A one-time X25519 key pair: officers seal their shares to it; delete the file after the recovery.
        const pair = newRecoveryKeyPair();
        writeJson(out, {
          format: SESSION_FORMAT,
          version: 1,
          publicKey: pair.publicKey,
          secret: toBase64(pair.secret),
        });
        pair.secret.fill(0);
        print(
          { file: resolve(out), sessionKey: pair.publicKey },
          `Session key ${pair.publicKey} (secret in ${resolve(out)}: keep it on this machine, delete it afterwards).\nEach officer runs: npm run cli -- hospital recovery share --session-key ${pair.publicKey} --out <file>`,
        );
        return 0;
      }
      if (sub === 'share') {
        const sessionKey = need(options.sessionKey, '--session-key <key>');
        if (!/^[1-9A-HJ-NP-Za-km-z]{43,44}$/.test(sessionKey))
          throw new UsageError(`--session-key ${sessionKey}: not a session key`);
        const out = need(options.out, '--out <file>');
        return withNode(async (conn) => {
          const view = await registryView(options, conn);
          const keychain = await officerKeychain();
          const members = new Set(view.authority.data.officers.map((o) => o.signKey));
          const mine = (await keychain.list()).filter((o) => members.has(o.signKey));
          const wanted = options.officer[0];
          const chosen = wanted ? mine.find((o) => o.signKey === wanted) : mine.length === 1 ? mine[0] : undefined;
          if (!chosen)
            throw new UsageError('choose an officer of this authority in this keychain with --officer <signKey>');
          const flows = await import('../authority/recovery-flows');
          const holder = await keychain.unlock(chosen.signKey, await readPassword());
          let share: Uint8Array | null = null;
          try {
            share = await flows.openRecoveryShare(view.authority, holder);
            const sealed = flows.sealShareForSession(share, sessionKey);
            writeJson(out, {
              format: SHARE_FORMAT,
              version: 1,
              authority: view.authority.id,
              officer: chosen.signKey,
              sessionKey,
              share: sealed,
            });
          } finally {
            share?.fill(0);
            holder.lock();
          }
          print(
            { file: resolve(out), officer: chosen.signKey },
            `${chosen.name}'s recovery share, sealed to session ${sessionKey}, written to ${resolve(out)}`,
          );
          return 0;
        });
      }
      throw new UsageError('recovery: expected "session" or "share"');
    }
    case 'credentials': {
      return withNode(async (conn) => {
        const view = await registryView(options, conn);
        const list = view.practitioners(new Date());
        const value = {
          authority: {
            id: view.authority.id,
            name: view.authority.data.name,
            threshold: view.authority.data.threshold,
            officers: view.authority.data.officers.length,
          },
          credentials: list,
          ignored: view.problems,
        };
        const lines = list.map(
          (p) =>
            `${p.status.padEnd(8)} ${p.name} (${p.specialty || '—'}), licence ${p.licence}, until ${p.validUntil}\n         credential ${p.credentialId}  signKey ${p.signKey}`,
        );
        const ignored = view.problems.map((p) => `ignored  ${p.id}: ${p.reason}`);
        print(
          value,
          [
            `${view.authority.data.name} — ${view.authority.data.threshold} of ${view.authority.data.officers.length} officers`,
            ...lines,
            ...ignored,
          ].join('\n'),
        );
        return 0;
      });
    }
    case 'emergency-key': {
      return withNode(async (conn) => {
        const authority = await (await registryOf(options, conn)).authority();
        if (!options.publish) {
          const key = authority.emergencyKey ?? null;
          print(
            { emergencyKey: key, problem: authority.actsProblem ?? null },
            key
              ? `Emergency key of "${authority.data.name}" (act ${key.txId}, ${key.at})\n  signKey ${key.signKey}\n  boxKey  ${key.boxKey}`
              : `No emergency key is published for "${authority.data.name}"${authority.actsProblem ? ` (${authority.actsProblem})` : ''}.`,
          );
          return 0;
        }
        if ((options.signKey === undefined) !== (options.boxKey === undefined))
          throw new UsageError("--sign-key and --box-key go together (or neither: this machine's emergency key)");
        const key =
          options.signKey && options.boxKey
            ? { signKey: options.signKey, boxKey: options.boxKey }
            : await localEmergencyKey();
        const { prepareEmergencyKey } = await import('../authority/hospital');
        const partial = prepareEmergencyKey(authority, key);
        const result = await postOrWrite(options, conn, await signWithOfficer(partial, options.officer[0]));
        print(
          { ...result, purpose: partial.purpose, emergencyKey: key },
          result.posted
            ? `${result.queued ? 'Queued' : 'Posted'}: ${result.posted}\n  ${partial.purpose}${result.queued ? `\n  ${QUEUED}` : ''}`
            : `Signed by ${result.signedBy.length}; more officers must sign ${result.file} ("hospital sign"), then "hospital post" it.`,
        );
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown hospital command "${command ?? ''}"`);
  }
}

export async function runHospital(argv: string[]): Promise<number> {
  let options: Options;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`healthchain hospital: ${(error as Error).message}\n\n${HOSPITAL_USAGE}\n`);
    return 2;
  }
  if (options.help || options.positionals.length === 0) {
    out(HOSPITAL_USAGE);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    process.stderr.write(`healthchain hospital: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) return 2;
    const { AuthorityInputError } = await import('../../src-shared/authority');
    const { VaultError } = await import('../vault/errors');
    if (error instanceof AuthorityInputError || (error instanceof VaultError && error.code === 'InvalidInput'))
      return 2;
    return 1;
  }
}

// `npm run cli -- hospital …`: the hospital authority for IT (docs/AUTHORITY.md). Officer keys live in the OS
// keychain under their own service; acts that need several officers travel as a partially signed file that each
// officer signs on their own machine (`hospital sign`), and anyone posts once it is complete (`hospital post`).
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LedgerNode } from '../ledger-node/node';
import type { LedgerNodeClient } from '../ledger/node-client';
import type { OfficerKeychain } from '../authority/officer-keychain';
import type { PartialTransaction } from '../../src-shared/authority';

export const HOSPITAL_USAGE = `HealthChain hospital authority — officers, the set-up ceremony, practitioner credentials.

Usage: npm run cli -- hospital <command> [arguments] [options]

Officers (keys sealed in this machine's OS keychain, service "HealthChain Authority", under an officer password)
  officer create --name <name>        make an officer key; prints its signKey and boxKey for the ceremony
  officer list                        officer keys in this keychain

Setting up the authority
  init --name <hospital> --one-machine [--officer-name <name>]
                                      single machine: a 1-of-1 authority, its officer key made here; posts it
  init --name <hospital> --threshold <m> --officer <name>:<signKey>:<boxKey> (one per officer) --out <file>
                                      writes the ceremony (an authority CREATE, the recovery key split m-of-n and
                                      sealed to each officer) as a file EVERY officer must sign
  sign <file> [--officer <signKey>]   add this officer's signature to a partially signed file
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

Options
  --node <url>      a ledger node URL (repeatable). Default: start the embedded node (--data <dir>)
  --json            machine-readable output
  -h, --help        this text

The officer password is read from HEALTHCHAIN_PASSWORD, or else from the first line of standard input.
Exit codes: 0 done, 1 failed, 2 usage error.`;

class UsageError extends Error {}

interface Options {
  positionals: string[];
  name?: string;
  threshold?: string;
  officer: string[];
  officerName?: string;
  oneMachine: boolean;
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

async function readPassword(): Promise<string> {
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

async function officerKeychain(): Promise<OfficerKeychain> {
  const { OfficerKeychain } = await import('../authority/officer-keychain');
  const service = process.env.HEALTHCHAIN_OFFICER_KEYCHAIN_SERVICE;
  return new OfficerKeychain(service ? { service } : {});
}

interface Connection {
  client: LedgerNodeClient;
  node: LedgerNode | null;
  close(): Promise<void>;
}

async function connect(options: Options): Promise<Connection> {
  const { LedgerNodeClient } = await import('../ledger/node-client');
  let node: LedgerNode | null = null;
  let urls = options.node;
  if (urls.length === 0) {
    const { startLedgerNode } = await import('../ledger-node/node');
    const { defaultDataDir } = await import('../ledger-node/process/data-dir');
    const { generateToken } = await import('../ledger-node/http/access');
    node = await startLedgerNode({
      port: 0,
      dataDir: resolve(options.data ?? defaultDataDir()),
      access: { kind: 'token', token: generateToken() },
    });
    urls = [node.url];
  }
  const own = node;
  // As the other commands: the CLI's own node gets its token; --node nodes get HC_LEDGER_TOKEN, if set.
  const given = process.env.HC_LEDGER_TOKEN || null;
  const client = new LedgerNodeClient({
    nodeUrls: urls,
    bearerTokenFor: (base) => (own ? (base === own.url ? own.token : null) : given),
  });
  return {
    client,
    node,
    close: async () => {
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

/** Signs with the chosen officer (or the only one in this keychain). */
async function signWithOfficer(partial: PartialTransaction, wanted: string | undefined): Promise<PartialTransaction> {
  const keychain = await officerKeychain();
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
    return await signPartial(partial, holder);
  } finally {
    holder.lock();
  }
}

/** Posts when complete; otherwise writes --out for the other officers. */
async function postOrWrite(
  options: Options,
  conn: Connection,
  partial: PartialTransaction,
): Promise<{ posted: string | null; file: string | null; signedBy: string[] }> {
  const { signedBy } = await import('../../src-shared/authority');
  const { postPartial } = await import('../authority/hospital');
  const { AuthorityInputError } = await import('../../src-shared/authority');
  try {
    const { tx } = await postPartial(conn.client, partial);
    return { posted: tx.id, file: null, signedBy: signedBy(partial) };
  } catch (error) {
    if (!(error instanceof AuthorityInputError)) throw error;
    if (!options.out) throw new UsageError(`${error.message}. Give --out <file> to pass it to the other officers.`);
    writeFile(options.out, partial);
    return { posted: null, file: resolve(options.out), signedBy: signedBy(partial) };
  }
}

async function registryView(options: Options, conn: Connection) {
  const { CredentialRegistry } = await import('../authority/credential-registry');
  const authority = need(options.authority, '--authority <id> (or HEALTHCHAIN_AUTHORITY)');
  if (!/^[0-9a-f]{64}$/.test(authority)) throw new UsageError(`--authority ${authority}: not a transaction id`);
  return new CredentialRegistry(conn.client, authority).load();
}

async function run(options: Options): Promise<number> {
  const [command, sub, arg] = options.positionals;
  const print = (value: unknown, text: string) => out(options.json ? JSON.stringify(value, null, 2) : text);
  const withNode = async <T>(fn: (conn: Connection) => Promise<T>): Promise<T> => {
    const conn = await connect(options);
    try {
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
      throw new UsageError('officer: expected "create" or "list"');
    }
    case 'init': {
      const name = need(options.name, '--name <hospital>');
      if (options.oneMachine) {
        const { setUpOneMachineAuthority } = await import('../authority/hospital');
        const keychain = await officerKeychain();
        const password = await readPassword();
        const result = await withNode((conn) =>
          setUpOneMachineAuthority(conn.client, keychain, {
            hospitalName: name,
            officerName: options.officerName ?? 'Hospital IT',
            password,
          }),
        );
        print(
          result,
          `Hospital authority "${name}" set up (1 of 1).\n  authority id  ${result.authorityId}   ← pin this (managed setting hospitalAuthority)\n  officer       ${result.officer.signKey} (sealed in this keychain)\n  recovery key  ${result.recoveryKey}`,
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
      const partial = await signWithOfficer(await readPartial(file), options.officer[0]);
      writeFile(file, partial);
      const { signedBy, requiredKeys, describePartial } = await import('../../src-shared/authority');
      const who = signedBy(partial);
      print(
        { file: resolve(file), signedBy: who, signed: describePartial(partial) },
        `Signed. ${who.length} of the ${requiredKeys(partial).size} officers named have signed ${file}.`,
      );
      return 0;
    }
    case 'post': {
      const partial = await readPartial(sub);
      const { postPartial } = await import('../authority/hospital');
      const { tx, outcome } = await withNode((conn) => postPartial(conn.client, partial));
      print(
        { id: tx.id, outcome, purpose: partial.purpose },
        `${outcome === 'duplicate' ? 'Already on the ledger' : 'Posted'}: ${tx.id}\n  ${partial.purpose}`,
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
            ? `Posted: ${result.posted}\n  ${partial.purpose}`
            : `Signed by ${result.signedBy.length}; more officers must sign ${result.file} ("hospital sign"), then "hospital post" it.`,
        );
        return 0;
      });
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

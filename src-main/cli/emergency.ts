// `npm run cli -- emergency …`: the privacy officer's review of emergency access on the command line
// (docs/EMERGENCY.md, "Review"): the report of every access since a date, and a signed follow-up of one.
import { parseArgs } from 'node:util';
import { connect, officerKeychain, readPassword } from './hospital';

export const EMERGENCY_USAGE = `HealthChain emergency access — the privacy officer's review.

Usage: npm run cli -- emergency <command> [options]   (--authority <id>, or HEALTHCHAIN_AUTHORITY)
  report --since <date> [--officer <signKey>]
        every emergency request since the date: who (and their credential at the request's ledger position), when,
        which chart (or "by patient identifiers"), the reason code, grant or refusal with its reason, the expiry, and
        the latest follow-up. With --officer (an officer key in this keychain, its password), the sealed reason and
        follow-up comments are opened too.
  followup <requestId> --state acknowledged|justified|escalated [--comment <text>] [--officer <signKey>]
        posts the follow-up, signed by the officer key (the only one of the authority in this keychain, or
        --officer), its comment sealed to the authority's officers

Options
  --node <url>   a ledger node URL (repeatable). Default: start the embedded node (--data <dir>)
  --outbox <dir> where a follow-up waits while no node answers (default: beside the ledger data)
  --json         machine-readable output
The officer password is read from HEALTHCHAIN_PASSWORD, or else from the first line of standard input.
Exit codes: 0 done, 1 failed, 2 usage error.`;

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      since: { type: 'string' },
      authority: { type: 'string' },
      officer: { type: 'string' },
      state: { type: 'string' },
      comment: { type: 'string' },
      node: { type: 'string', multiple: true },
      data: { type: 'string' },
      outbox: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return { ...values, node: values.node ?? [], positionals, json: values.json ?? false };
}

type Options = ReturnType<typeof parse>;

function authorityOf(options: Options): string {
  const id = options.authority ?? process.env.HEALTHCHAIN_AUTHORITY ?? '';
  if (!/^[0-9a-f]{64}$/.test(id)) throw new UsageError('--authority <id> (or HEALTHCHAIN_AUTHORITY): a transaction id');
  return id;
}

/** The chosen officer key of this authority in this keychain (or its only one), unlocked with its password. */
async function unlockOfficer(officers: readonly { signKey: string }[], wanted: string | undefined) {
  const keychain = await officerKeychain();
  const members = new Set(officers.map((o) => o.signKey));
  const mine = (await keychain.list()).filter((o) => members.has(o.signKey));
  const chosen = wanted ? mine.find((o) => o.signKey === wanted) : mine.length === 1 ? mine[0] : undefined;
  if (!chosen)
    throw new UsageError(
      wanted
        ? `officer ${wanted} is not an officer of this authority in this keychain`
        : mine.length
          ? 'several officers of this authority are in this keychain: choose one with --officer <signKey>'
          : 'no officer of this authority is in this keychain',
    );
  return keychain.unlock(chosen.signKey, await readPassword());
}

async function run(options: Options): Promise<number> {
  const [command, arg] = options.positionals;
  const print = (value: unknown, text: string) =>
    process.stdout.write(`${options.json ? JSON.stringify(value, null, 2) : text}\n`);
  if (command !== 'report' && command !== 'followup')
    throw new UsageError(`unknown emergency command "${command ?? ''}"`);
  const authorityId = authorityOf(options);
  let since: Date | null = null;
  if (command === 'report') {
    since = new Date(options.since ?? '');
    if (!options.since || !/^\d{4}-\d{2}-\d{2}/.test(options.since) || Number.isNaN(since.getTime()))
      throw new UsageError('--since <date> is required (2026-12-01 or 2026-12-01T08:00:00Z)');
  }
  const conn = await connect({ node: options.node, data: options.data, outbox: options.outbox });
  try {
    const { CredentialRegistry } = await import('../authority/credential-registry');
    const registry = await new CredentialRegistry(conn.client, authorityId).load();
    const authority = registry.authority;
    if (command === 'report') {
      const { emergencyReport } = await import('../emergency/report');
      const officer = options.officer ? await unlockOfficer(authority.data.officers, options.officer) : undefined;
      try {
        const rows = await emergencyReport(conn.client, { authority, registry, since: since!, officer });
        const text = rows.length
          ? rows
              .map((r) =>
                [
                  `${r.at}  ${r.requester.name ?? r.requester.signKey} (credential ${r.requester.credential})`,
                  `  request ${r.request}  reason ${r.reason}${r.note !== null ? `: ${r.note}` : ' (sealed)'}`,
                  `  chart ${r.chart ?? '—'}${r.byQuery ? ' (by patient identifiers)' : ''}`,
                  r.outcome === 'granted'
                    ? `  granted ${r.grantedAt}, expires ${r.expiresAt}`
                    : r.outcome === 'refused'
                      ? `  refused: ${r.refusal!.reason} (${r.refusal!.detail})`
                      : '  waiting for the emergency service',
                  `  follow-up ${r.followUp ? `${r.followUp.state} by ${r.followUp.byName ?? r.followUp.by} at ${r.followUp.at}${r.followUp.comment ? `: ${r.followUp.comment}` : ''}` : 'none yet'}`,
                ].join('\n'),
              )
              .join('\n')
          : `No emergency access since ${since!.toISOString()}.`;
        print(rows, text);
      } finally {
        officer?.lock();
      }
      return 0;
    }
    const requestId = arg ?? '';
    if (!/^[0-9a-f]{64}$/.test(requestId)) throw new UsageError('followup <requestId>: a transaction id');
    const { FOLLOWUP_STATES, buildFollowUp } = await import('../../src-shared/emergency');
    const state = options.state as (typeof FOLLOWUP_STATES)[number];
    if (!FOLLOWUP_STATES.includes(state)) throw new UsageError(`--state must be one of ${FOLLOWUP_STATES.join(', ')}`);
    const officer = await unlockOfficer(authority.data.officers, options.officer);
    try {
      const { nativeLedgerCrypto } = await import('../crypto/ledger-crypto');
      const tx = await buildFollowUp(
        {
          authority: authority.id,
          request: requestId,
          state,
          comment: options.comment ?? '',
          officers: authority.data.officers.map((o) => o.boxKey),
        },
        officer,
        nativeLedgerCrypto,
      );
      const { value } = await (await conn.acts()).post(tx, 'commit');
      const queued = value === 'queued';
      print(
        { id: tx.id, request: requestId, state, queued },
        `${queued ? 'Queued' : 'Posted'}: ${tx.id}\n  follow-up of ${requestId}: ${state}${queued ? '\n  No ledger node answered: the follow-up waits in the outbox and is posted when the node is reachable.' : ''}`,
      );
      return 0;
    } finally {
      officer.lock();
    }
  } finally {
    await conn.close();
  }
}

export async function runEmergency(argv: string[]): Promise<number> {
  let options: Options;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`healthchain emergency: ${(error as Error).message}\n\n${EMERGENCY_USAGE}\n`);
    return 2;
  }
  if (options.help || options.positionals.length === 0) {
    process.stdout.write(`${EMERGENCY_USAGE}\n`);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    process.stderr.write(`healthchain emergency: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) return 2;
    const { EmergencyInputError } = await import('../../src-shared/emergency');
    const { AuthorityInputError } = await import('../../src-shared/authority');
    return error instanceof EmergencyInputError || error instanceof AuthorityInputError ? 2 : 1;
  }
}

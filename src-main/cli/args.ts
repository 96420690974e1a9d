// Command line of `npm run cli -- <command>`: parsed with node:util parseArgs, refused with a specific message.
import { parseArgs } from 'node:util';
import { commandHelp, EXIT_CODES } from './help';

export const USAGE = `HealthChain command line — charts on the ledger, for IT and scripting.

Usage: npm run cli -- <command> [arguments] [options]

Commands
  identity create --name <name> --specialty <text> --licence <number>
                               create a doctor identity in the OS keychain and publish its directory entry
  identity list                list the identities in the keychain
  import <file.json|folder> [--envelope v1|v3]
                               import FHIR R4 Bundles as new charts (a folder: every *.json in it)
  create <chart.json|-> [--envelope v1|v3]
                               create a chart from a chart JSON file, with the patient's access card
                               (PIN from HEALTHCHAIN_CARD_PIN); "charts create" is the same command
  list                         list the charts the identity can read
  show <chartId>               print a chart (current version and history) as JSON
  export <chartId> [--ips] [--out f]
                               print (or write) the chart as a FHIR R4 Bundle, or an IPS document
  verify <chartId> | --all     verify one chart, or every chart the identity can read
  outbox                       list signed transactions waiting to be committed (or rejected by the node)
  outbox discard <txId>        drop a version the node rejected, so its chart can be written again
  practitioners [query]        search the practitioner directory
  update <chartId> <chart.json|->  [--base-seq <n>]
                               write a new version of a chart (custodian)
  revoke <chartId> [--reason <text>] | restore <chartId>
                               revoke a chart, or restore a revoked one (custodian)
  share | unshare <chartId> --doctor <signKey>
                               let a doctor from the directory read the chart, or stop them reading (custodian)
  custody <chartId> --doctor <signKey> [--keep-reading]
                               hand the chart over to another doctor (custodian)
  card <chartId> [--out card.svg|card.png]
                               issue or re-issue the patient's access card (PIN from HEALTHCHAIN_CARD_PIN);
                               prints the card code, writes the QR code. The old card stops reading
  network check                check the ledger network: every node answers, one chain and height, each
                               advertised event stream opens (nodes: --node, else the managed nodeUrls);
                               a plain-text report for a ticket, or --json. Exit 1 when a check fails
  issue-card <chartId>         the same as card (replaces version 1 cards, printed before issue #14)
  card-key create | export | import
                               the hospital card key that access cards need (docs/DEPLOYMENT.md): create it once
                               per hospital, print it, or install it from standard input on each workstation/kiosk
  charts upgrade-v3 --all | --chart <chartId> … [--spread <duration>]
                               re-create your v1 charts as private (envelope v3) charts; each old chart
                               ends in a sealed "moved" version (docs/UNLINKABLE.md §10)
  hospital <command>           the hospital authority: officers, ceremony, credentials (hospital --help)
  emergency <command>          emergency access review: report, follow-ups (emergency --help)

Options
  --identity <signKey>   which keychain identity to use (default: the only one)
  --node <url>           a ledger node URL (repeatable: fails over in order). Default: the nodeUrls pinned in
                         the managed settings, else the embedded node, started for the command (named on stderr)
  --data <dir>           data directory of the embedded node (default: the app's ledger folder)
  --outbox <dir>         outbox directory (default: beside the ledger data)
  --envelope v1|v3       the envelope of the charts import/create make (docs/UNLINKABLE.md). Default: the
                         ledgerEnvelope IT pinned in the managed settings, else the user's settings.json, else
                         v1. Refused (exit 2) when it differs from IT's pin. A chart keeps its envelope
  --json                 machine-readable output
  -h, --help             this text; <command> --help: that command's
  -V, --version          the version of the command line

The identity's password is read from HEALTHCHAIN_PASSWORD, or else from the first line of standard input.
HC_LEDGER_TOKEN, if set, is sent as the bearer token to the --node nodes (a node started by \`npm run ledger\`
without --open wants the token it printed).
${EXIT_CODES}`;

export interface CliOptions {
  command: string[];
  identity?: string;
  nodes: string[];
  data?: string;
  outbox?: string;
  json: boolean;
  all: boolean;
  out?: string;
  ips: boolean;
  name?: string;
  specialty?: string;
  licence?: string;
  reason?: string;
  doctor?: string;
  keepReading: boolean;
  baseSeq?: number;
  /** --chart, repeatable (charts upgrade-v3). */
  charts: string[];
  /** --spread as milliseconds (charts upgrade-v3). */
  spreadMs?: number;
  /** --envelope: the envelope of the charts import/create makes, unless IT pinned one (envelope-choice.ts). */
  envelope?: 'v1' | 'v3';
}

export type ParsedCli =
  { kind: 'help'; text: string } | { kind: 'error'; message: string } | { kind: 'run'; options: CliOptions };

export function parseCli(argv: string[]): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        identity: { type: 'string' },
        node: { type: 'string', multiple: true },
        data: { type: 'string' },
        outbox: { type: 'string' },
        json: { type: 'boolean' },
        all: { type: 'boolean' },
        out: { type: 'string' },
        ips: { type: 'boolean' },
        name: { type: 'string' },
        specialty: { type: 'string' },
        licence: { type: 'string' },
        reason: { type: 'string' },
        doctor: { type: 'string' },
        'keep-reading': { type: 'boolean' },
        'base-seq': { type: 'string' },
        chart: { type: 'string', multiple: true },
        spread: { type: 'string' },
        envelope: { type: 'string' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    const [command] = positionals;
    if (command === undefined) return { kind: 'help', text: USAGE };
    const text = commandHelp(command);
    return text ? { kind: 'help', text } : { kind: 'error', message: `unknown command "${command}"` };
  }
  let baseSeq: number | undefined;
  if (values['base-seq'] !== undefined) {
    baseSeq = Number(values['base-seq']);
    if (!Number.isInteger(baseSeq) || baseSeq < 1)
      return { kind: 'error', message: `--base-seq ${values['base-seq']}: not a version number (1, 2, …)` };
  }
  let spreadMs: number | undefined;
  if (values.spread !== undefined) {
    const ms = durationMs(values.spread);
    if (ms === null)
      return { kind: 'error', message: `--spread ${values.spread}: not a duration (0, 500ms, 2s, 1m; at most 1h)` };
    spreadMs = ms;
  }
  const envelope = values.envelope;
  if (envelope !== undefined && envelope !== 'v1' && envelope !== 'v3')
    return { kind: 'error', message: `--envelope ${envelope}: expected v1 or v3` };
  for (const url of values.node ?? []) {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      return { kind: 'error', message: `--node ${url}: not an http(s) URL` };
    }
  }
  return {
    kind: 'run',
    options: {
      command: positionals,
      identity: values.identity,
      nodes: values.node ?? [],
      data: values.data,
      outbox: values.outbox,
      json: values.json ?? false,
      all: values.all ?? false,
      out: values.out,
      ips: values.ips ?? false,
      name: values.name,
      specialty: values.specialty,
      licence: values.licence,
      reason: values.reason,
      doctor: values.doctor,
      keepReading: values['keep-reading'] ?? false,
      baseSeq,
      charts: values.chart ?? [],
      spreadMs,
      envelope: envelope as CliOptions['envelope'],
    },
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "500ms", "2s", "1.5m" or "0" as milliseconds; a bare number is seconds. Null for anything else or past an hour. */
export function durationMs(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) return null;
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
  return ms <= 3_600_000 ? ms : null;
}

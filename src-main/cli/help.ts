// `npm run cli -- <command> --help`: one command's usage, options and exit codes.

const NODE_OPTIONS = `Ledger options
  --node <url>      a ledger node URL (repeatable: fails over in order). Default: the nodeUrls pinned in the
                    managed settings, else the embedded node, started for this command (named on stderr)
  --data <dir>      data folder of the embedded node (any folder name, dots included)
  --outbox <dir>    outbox folder (default: beside the ledger data)
  --identity <k>    which keychain identity (default: the only one); its password from HEALTHCHAIN_PASSWORD
                    or the first line of standard input
  --json            machine-readable output on standard output`;

const CUSTODIAN =
  'Only the chart\'s custodian may do this; the version is signed, put in the outbox, then posted. It is written in the chart\'s own envelope (v1 or v3, that of its first version), which the output names (--json: "envelope").';

const NEW_CHARTS = `The envelope of new charts (docs/UNLINKABLE.md): v3 shows the ledger no reader, author, action or time. Chosen
as the app chooses it: the ledgerEnvelope IT pinned in the managed settings, else the user's own settings.json (in
the folder holding the --data folder, else the app's user-data folder), else v1.
  --envelope v1|v3  this command's choice instead of the user's setting; refused (exit 2, nothing written) when IT
                    pinned another envelope. The output names the envelope used (--json: "envelope").`;

export const EXIT_CODES =
  'Exit codes: 0 done, 1 failed, 2 usage or invalid input, 3 a chart failed verification (tampered).';

const COMMANDS: Record<string, string> = {
  identity: `identity create --name <name> --specialty <text> --licence <number>
identity list

create: makes a doctor identity in the OS keychain and publishes its practitioner directory entry. All or
nothing: the node is asked first, and if publishing fails the new identity is deleted from the keychain again,
so a retry never leaves two. If the node accepted the entry but has not committed it yet, the identity stays and
the entry waits in the outbox (posted by the next command that reaches the node).`,
  import: `import <file.json|folder> [--envelope v1|v3]

Imports FHIR R4 Bundles as new charts (a folder: every *.json in it, several at a time). Progress and warnings
on stderr, one line per file; exit 1 if any file was refused (the others are imported).

${NEW_CHARTS}`,
  create: `create <chart.json | -> [--envelope v1|v3]

Creates a chart from a chart JSON file (or standard input, -, with the password in HEALTHCHAIN_PASSWORD): a chart
in the app's model, or "show --json" printed to a file. Issues the patient's access card with it: the PIN is read
from HEALTHCHAIN_CARD_PIN and the hospital card key must be installed ("card-key"); prints the chart id and the
card code (--out writes the QR code as for "card"). "charts create" is the same command.

${NEW_CHARTS}`,
  list: `list

Lists the charts the identity can read. Exit 3 if any chart failed verification (its line says TAMPERED). Reads and
writes the doctor's list checkpoint on the ledger (docs/UNLINKABLE.md §14) unless the listCheckpoints setting is off:
IT's managed value, else the user's settings.json, else on.`,
  show: `show <chartId>

Prints the chart (current version and history) as JSON. Exit 3 if it failed verification.`,
  export: `export <chartId> [--ips] [--out <file>]

Prints (or writes, mode 0600) the chart as a FHIR R4 Bundle (a collection, with a Provenance per version). With
--ips, an International Patient Summary document instead (a Composition and its sections). With --out and --json,
prints {"savedTo": <file>, "ips": <true|false>}.`,
  verify: `verify <chartId> | --all

Verifies one chart, or every chart the identity can read. Exit 3 if any failed.`,
  update: `update <chartId> <chart.json | -> [--base-seq <n>]

Writes a new version from a chart JSON file (or standard input, -, with the password in HEALTHCHAIN_PASSWORD):
"show" printed to a file and its "data" edited, or a chart in the app's model. --base-seq: the version you edited; refused (StaleVersion) if the chart moved past it.
${CUSTODIAN}`,
  revoke: `revoke <chartId> [--reason <text>]

Revokes the chart (nothing is erased; "restore" undoes it). The reason is sealed in the version. ${CUSTODIAN}`,
  restore: `restore <chartId>

Restores a revoked chart. ${CUSTODIAN}`,
  share: `share <chartId> --doctor <signKey>

Lets a doctor from the practitioner directory read the chart from its next version on. ${CUSTODIAN}`,
  unshare: `unshare <chartId> --doctor <signKey>

Stops a doctor reading: a new data key, so later versions are closed to them. ${CUSTODIAN}`,
  custody: `custody <chartId> --doctor <signKey> [--keep-reading]

Hands the chart over to another doctor from the practitioner directory, who becomes its custodian. With
--keep-reading you stay a reader. ${CUSTODIAN}`,
  card: `card <chartId> [--out <card.svg | card.png>]

Issues (or re-issues) the patient's access card: a new patient identity for the chart, so the old card stops
reading. The PIN is read from HEALTHCHAIN_CARD_PIN. Prints the card code; --out writes the QR code as SVG, or as
PNG when the name ends in .png (mode 0600). "issue-card" is the same command. The hospital card key must be
installed ("card-key").`,
  outbox: `outbox
outbox discard <txId>

Lists signed transactions waiting to be committed (or rejected by the node); discard drops a rejected one so
its chart can be written again.`,
  practitioners: `practitioners [query]

Searches the practitioner directory.`,
  network: `network check [--node <url> …] [--json]

Checks the ledger network: every node answers, one chain and height, each advertised event stream opens. Nodes:
--node, else the managed nodeUrls. Exit 1 when a check fails.`,
  charts: `charts upgrade-v3 --all | --chart <chartId> [--chart <chartId> …] [--spread <duration>]
charts create <chart.json | -> [--envelope v1|v3]   (the same as "create": see create --help)

Re-creates your v1 charts (--all: every chart you are custodian of; --chart: the named ones) as private envelope v3
charts (docs/UNLINKABLE.md §10): a new chart with the current content, the same readers (shared doctors, the
patient's card, the hospital's recovery and emergency keys) and the same custody rule; then a last version of the
old chart, a revoke whose sealed note says "moved" and names the new chart (only inside the box). All the new
charts go out first, in random order with a random pause between them (--spread, default 2s: each pause 0 to
that), then all the old charts' last versions, likewise. Tampered charts and charts by an unknown author are refused
and reported. Run it again to finish what an interrupted run left: a chart already moved is skipped, and one whose
new chart exists but whose old chart is still open gets only its last version (never a second copy). The pairing
waits, sealed to you, in the verified cache beside the outbox. Prints one line per chart (upgraded, skipped or
failed, with the reason); --json an array of {chartId, status, newChartId, reason | resumed}. Exit 1 if any failed.`,
  'card-key': `card-key create | export | import

The hospital card key that access cards need (docs/DEPLOYMENT.md): create it once per hospital, print it, or
install it from standard input on each workstation/kiosk.`,
};
COMMANDS['issue-card'] = COMMANDS.card!.replace(/^card /, 'issue-card ');

export function commandHelp(command: string): string | null {
  const text = COMMANDS[command];
  if (!text) return null;
  return `Usage: npm run cli -- ${text}\n\n${NODE_OPTIONS}\n\n${EXIT_CODES}`;
}

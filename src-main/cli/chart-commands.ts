// The custodian's writes, as the app makes them (src-main/ipc/handlers/workstation.ts): update, revoke, restore,
// share, unshare, custody, and the patient's access card. Each answers with the version written (committed, or
// pending in the outbox when the node did not answer).
import { readFileSync, writeFileSync } from 'node:fs';
import type { LockableKeyHolder } from '../../src-shared/crypto/keyholder';
import type { ChartService, UpgradeResult, Written } from '../records/chart-service';
import type { CliOptions } from './args';
import { CliError } from './context';
import { describeChoice, type EnvelopeChoice, type LedgerEnvelope } from './envelope-choice';

export const WRITE_COMMANDS = ['update', 'revoke', 'restore', 'share', 'unshare', 'custody', 'card', 'issue-card'];

type Print = (value: unknown, text: () => string) => void;

function readChart(source: string | undefined, command = 'update'): unknown {
  if (!source) throw new CliError(`${command} needs the chart: a JSON file, or - for standard input`);
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (error) {
    throw new CliError(
      `${source}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${source}: not JSON (${(error as Error).message})`);
  }
  // `show --json` prints { summary, data, … }: its "data" is the chart.
  if (value && typeof value === 'object' && 'summary' in value && 'data' in value)
    return (value as { data: unknown }).data;
  return value;
}

async function doctorOf(service: ChartService, options: CliOptions, command: string) {
  if (!options.doctor) throw new CliError(`${command} needs --doctor <signKey> (see: practitioners <name>)`);
  const found = await service.findPractitioner(options.doctor);
  if (!found)
    throw new CliError(`${options.doctor} is not in the practitioner directory of the ledger (see: practitioners)`);
  return found;
}

/** charts upgrade-v3: refused before anything starts unless it names its charts (--all or --chart) correctly. */
export function checkUpgradeArgs(args: string[], options: CliOptions): void {
  if (args[0] !== 'upgrade-v3' || args.length > 1) throw new CliError('charts: expected "upgrade-v3"');
  if (options.all === options.charts.length > 0)
    throw new CliError('charts upgrade-v3 needs either --all or --chart <chartId> (repeatable), not both');
  for (const id of options.charts)
    if (!/^[0-9a-f]{64}$/.test(id)) throw new CliError(`--chart ${id}: not a chart id (64 hexadecimal characters)`);
}

const upgradeLine = (r: UpgradeResult) =>
  r.status === 'upgraded'
    ? `upgraded ${r.chartId} → ${r.newChartId}${r.resumed ? ' (resumed: its copy was made by an earlier run)' : ''}`
    : `${r.status} ${r.chartId}: ${r.reason}`;

export async function runUpgrade(
  service: ChartService,
  holder: LockableKeyHolder,
  options: CliOptions,
  print: Print,
): Promise<number> {
  const results = await service.upgradeV3(holder, {
    ...(options.all ? {} : { chartIds: options.charts }),
    ...(options.spreadMs !== undefined ? { spreadMs: options.spreadMs } : {}),
  });
  const count = (status: UpgradeResult['status']) => results.filter((r) => r.status === status).length;
  print(results, () =>
    [
      ...results.map(upgradeLine),
      `${count('upgraded')} upgraded, ${count('skipped')} skipped, ${count('failed')} failed.`,
    ].join('\n'),
  );
  return count('failed') > 0 ? 1 : 0;
}

const envelopeText = (envelope: LedgerEnvelope | null) =>
  envelope ? `envelope ${envelope}` : "envelope not known yet (the chart's first version is not on the node)";

function writtenLine(print: Print, what: string, result: Written, envelope: LedgerEnvelope | null): number {
  print(
    { chartId: result.chartId, seq: result.seq, txId: result.txId, status: result.status, envelope },
    () =>
      `${what} ${result.chartId}: version ${result.seq} ${result.status === 'committed' ? `committed (${result.txId})` : `pending in the outbox (${result.txId})`}, ${envelopeText(envelope)}`,
  );
  return 0;
}

/** The QR code of a card, to --out: PNG when the name ends in .png, else SVG (mode 0600). */
function writeQr(out: string, card: { qrSvg: string; qrDataUrl: string }): void {
  const png = out.toLowerCase().endsWith('.png');
  const body = png ? Buffer.from(card.qrDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64') : card.qrSvg;
  writeFileSync(out, body, { mode: 0o600 });
}

/** create (or charts create): a chart from a JSON file, with its patient's access card, in the chosen envelope. */
export async function runCreate(
  args: string[],
  options: CliOptions,
  service: ChartService,
  holder: LockableKeyHolder,
  choice: EnvelopeChoice,
  print: Print,
): Promise<number> {
  const chart = readChart(args[0], 'create');
  const pin = process.env.HEALTHCHAIN_CARD_PIN;
  if (!pin) throw new CliError("create reads the patient's PIN for the access card from HEALTHCHAIN_CARD_PIN");
  const created = await service.create(holder, chart, { pin });
  if (options.out) writeQr(options.out, created.card);
  const { chartId, seq, txId, status } = created;
  print(
    { chartId, seq, txId, status, envelope: choice.envelope, code: created.card.code, qrFile: options.out ?? null },
    () =>
      [
        `Created ${chartId}: version ${seq} ${status === 'committed' ? `committed (${txId})` : `pending in the outbox (${txId})`}, ${describeChoice(choice)}`,
        `  access card ${created.card.code}${options.out ? `\n  QR code written to ${options.out}` : ''}`,
      ].join('\n'),
  );
  return 0;
}

export async function runWrite(
  command: string,
  args: string[],
  options: CliOptions,
  service: ChartService,
  holder: LockableKeyHolder,
  envelopeOf: (chartId: string) => Promise<LedgerEnvelope | null>,
  print: Print,
): Promise<number> {
  const chartId = args[0];
  if (!chartId) throw new CliError(`${command} needs a chart id (see: list)`);
  if (!/^[0-9a-f]{64}$/.test(chartId)) throw new CliError(`${chartId}: not a chart id (64 hexadecimal characters)`);
  // Asked after the write: a write refused (not custodian, no such chart) costs no extra request.
  const written = async (what: string, result: Written) => writtenLine(print, what, result, await envelopeOf(chartId));
  switch (command) {
    case 'update':
      return written(
        'Updated',
        await service.update(holder, chartId, readChart(args[1]), { baseSeq: options.baseSeq }),
      );
    case 'revoke':
      return written('Revoked', await service.revoke(holder, chartId, options.reason));
    case 'restore':
      return written('Restored', await service.restore(holder, chartId));
    case 'share': {
      const d = await doctorOf(service, options, command);
      return written(
        `Shared with ${d.name}:`,
        await service.share(holder, chartId, { signKey: d.signKey, boxKey: d.boxKey, name: d.name }),
      );
    }
    case 'unshare': {
      const d = await doctorOf(service, options, command);
      return written(`No longer shared with ${d.name}:`, await service.unshare(holder, chartId, d.boxKey));
    }
    case 'custody': {
      const d = await doctorOf(service, options, command);
      return written(
        `Handed over to ${d.name}:`,
        await service.transferCustody(
          holder,
          chartId,
          { signKey: d.signKey, boxKey: d.boxKey, name: d.name },
          { keepReading: options.keepReading },
        ),
      );
    }
    case 'card':
    case 'issue-card': {
      const pin = process.env.HEALTHCHAIN_CARD_PIN;
      if (!pin) throw new CliError("card reads the patient's new PIN from HEALTHCHAIN_CARD_PIN");
      const card = await service.issueCard(holder, chartId, pin);
      if (options.out) writeQr(options.out, card);
      const envelope = await envelopeOf(chartId);
      print(
        { chartId, code: card.code, qrSvg: options.out ?? null, qrFile: options.out ?? null, envelope },
        () =>
          `Access card for ${chartId}: ${card.code}${options.out ? `\n  QR code written to ${options.out}` : ''}\n  the re-issue is written in ${envelopeText(envelope)}`,
      );
      return 0;
    }
  }
  throw new CliError(`unknown command "${command}"`);
}

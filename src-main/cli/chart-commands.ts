// The custodian's writes, as the app makes them (src-main/ipc/handlers/workstation.ts): update, revoke, restore,
// share, unshare, custody, and the patient's access card. Each answers with the version written (committed, or
// pending in the outbox when the node did not answer).
import { readFileSync, writeFileSync } from 'node:fs';
import type { LockableKeyHolder } from '../../src-shared/crypto/keyholder';
import type { ChartService, UpgradeResult, Written } from '../records/chart-service';
import type { CliOptions } from './args';
import { CliError } from './context';

export const WRITE_COMMANDS = ['update', 'revoke', 'restore', 'share', 'unshare', 'custody', 'card', 'issue-card'];

type Print = (value: unknown, text: () => string) => void;

function readChart(source: string | undefined): unknown {
  if (!source) throw new CliError('update needs the chart: a JSON file, or - for standard input');
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

function written(print: Print, what: string, result: Written): number {
  print(
    { chartId: result.chartId, seq: result.seq, txId: result.txId, status: result.status },
    () =>
      `${what} ${result.chartId}: version ${result.seq} ${result.status === 'committed' ? `committed (${result.txId})` : `pending in the outbox (${result.txId})`}`,
  );
  return 0;
}

export async function runWrite(
  command: string,
  args: string[],
  options: CliOptions,
  service: ChartService,
  holder: LockableKeyHolder,
  print: Print,
): Promise<number> {
  const chartId = args[0];
  if (!chartId) throw new CliError(`${command} needs a chart id (see: list)`);
  if (!/^[0-9a-f]{64}$/.test(chartId)) throw new CliError(`${chartId}: not a chart id (64 hexadecimal characters)`);
  switch (command) {
    case 'update':
      return written(
        print,
        'Updated',
        await service.update(holder, chartId, readChart(args[1]), { baseSeq: options.baseSeq }),
      );
    case 'revoke':
      return written(print, 'Revoked', await service.revoke(holder, chartId, options.reason));
    case 'restore':
      return written(print, 'Restored', await service.restore(holder, chartId));
    case 'share': {
      const d = await doctorOf(service, options, command);
      return written(
        print,
        `Shared with ${d.name}:`,
        await service.share(holder, chartId, { signKey: d.signKey, boxKey: d.boxKey, name: d.name }),
      );
    }
    case 'unshare': {
      const d = await doctorOf(service, options, command);
      return written(print, `No longer shared with ${d.name}:`, await service.unshare(holder, chartId, d.boxKey));
    }
    case 'custody': {
      const d = await doctorOf(service, options, command);
      return written(
        print,
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
      if (options.out) {
        const png = options.out.toLowerCase().endsWith('.png');
        const body = png ? Buffer.from(card.qrDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64') : card.qrSvg;
        writeFileSync(options.out, body, { mode: 0o600 });
      }
      print(
        { chartId, code: card.code, qrSvg: options.out ?? null, qrFile: options.out ?? null },
        () => `Access card for ${chartId}: ${card.code}${options.out ? `\n  QR code written to ${options.out}` : ''}`,
      );
      return 0;
    }
  }
  throw new CliError(`unknown command "${command}"`);
}

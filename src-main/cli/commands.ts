// The CLI's commands, over the same chart service the app uses. Loaded only once a command needs it.
import { createInterface } from 'node:readline';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliOptions } from './args';
import { checkUpgradeArgs, runCreate, runUpgrade, runWrite, WRITE_COMMANDS } from './chart-commands';
import { chooseListCheckpoints } from './checkpoint-choice';
import { chooseEnvelope, describeChoice, type EnvelopeChoice } from './envelope-choice';
import type { LockableKeyHolder } from '../../src-shared/crypto/keyholder';
import {
  beginUnlock,
  bundledWorker,
  cardKeyStore,
  close,
  CliError,
  connect,
  connectDirectory,
  err,
  EXIT,
  out,
  type Context,
} from './context';
import { runIdentity } from './identity';
import { ImportLookahead, readBundle } from './import-lookahead';
import { mark } from './timeline';

export { CliError } from './context';

function jsonFiles(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new CliError(`${path}: no such file or folder`);
  if (stat.isFile()) return [path];
  return readdirSync(path)
    .filter((n) => n.toLowerCase().endsWith('.json'))
    .sort()
    .map((n) => join(path, n));
}

async function startValidators() {
  const { FhirValidatorPool } = await import('../records/fhir-validator-pool');
  const entry = bundledWorker('fhir-validate-worker');
  const pool = new FhirValidatorPool(entry ? { entry } : {});
  // Not awaited: the first bundles queue behind the warm-up in the workers.
  pool.warm().then(
    () => mark('validation workers warm'),
    () => {},
  );
  return pool;
}

/**
 * Bundles imported at once: each waits on the node most of its time. 128 (as `npm run bench -- charts` imports) rather
 * than 16: the node commits them in fewer, larger blocks (fewer lmdb commits and posting-run merges), and the
 * validation worker keeps a queue instead of being woken for each bundle; in same-load profiles of 1,000 imports the
 * main thread was busy ~11 s instead of ~16 s (`npm run bench -- cli-import`, load ~20).
 */
const IMPORT_CONCURRENCY = 128;

/**
 * Bundles read, checked and converted ahead while the identity unlocks (scrypt, ~0.3–0.5 s here): the validation
 * worker and the otherwise idle main thread get through a few hundred meanwhile. Bounds the memory held before the
 * first chart is written (a bundle and its chart, a few kB each).
 */
const IMPORT_AHEAD_WHILE_UNLOCKING = 1024;

/**
 * Progress lines, written in one go per event-loop turn: a write to a pipe or terminal per bundle cost the import's
 * main thread ~0.25 ms a bundle in a profile of 1,000 imports. Same lines, same order; flush() before the summary.
 */
function batchedLines(write: (text: string) => void) {
  let lines: string[] = [];
  let scheduled: NodeJS.Immediate | null = null;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = null;
    if (lines.length) write(lines.join(''));
    lines = [];
  };
  return {
    line(text: string) {
      lines.push(`${text}\n`);
      scheduled ??= setImmediate(flush);
    },
    flush,
  };
}

/** The commands that make new charts, so the only ones that choose an envelope (a chart keeps its own). */
const CREATING = ['import', 'create'];

export async function run(options: CliOptions): Promise<number> {
  // "charts create" is "create": the chart commands' group, beside "charts upgrade-v3".
  const [command, ...args] =
    options.command[0] === 'charts' && options.command[1] === 'create'
      ? ['create', ...options.command.slice(2)]
      : options.command;
  const print = (value: unknown, text: () => string) => out(options.json ? JSON.stringify(value, null, 2) : text());

  if (command === 'identity') return runIdentity(options, args[0], print);

  if (command === 'network') {
    if (args[0] !== 'check' || args.length > 1) throw new CliError('network: expected "check"');
    const { runNetworkCheck, NetworkCheckUsageError } = await import('./network-check');
    return runNetworkCheck(options, out).catch((error: unknown) => {
      throw error instanceof NetworkCheckUsageError ? new CliError(error.message) : error;
    });
  }

  if (command === 'card-key') {
    const store = await cardKeyStore();
    if (args[0] === 'create') {
      await store.create();
      err(
        'Created the hospital card key in this keychain. Install the same key on every workstation and kiosk ("card-key export" here, "card-key import" there).',
      );
      const key = (await store.export())!;
      print({ cardKey: key }, () => key);
      return 0;
    }
    if (args[0] === 'export') {
      const text = await store.export();
      if (!text)
        throw new CliError(
          'No hospital card key in this keychain (create one with "card-key create", once per hospital)',
        );
      print({ cardKey: text }, () => text);
      return 0;
    }
    if (args[0] === 'import') {
      const lines = createInterface({ input: process.stdin, terminal: false });
      let text = '';
      for await (const line of lines) {
        text = line;
        break;
      }
      lines.close();
      await store.install(text);
      err('The hospital card key is installed in this keychain.');
      if (options.json) out(JSON.stringify({ installed: true }));
      return 0;
    }
    throw new CliError('card-key: expected "create", "export" or "import"');
  }

  const known = [
    'import',
    'create',
    'list',
    'show',
    'export',
    'verify',
    'outbox',
    'practitioners',
    'charts',
    ...WRITE_COMMANDS,
  ];
  if (!command || !known.includes(command)) throw new CliError(`unknown command "${command}"`);
  if (options.envelope !== undefined && !CREATING.includes(command))
    throw new CliError(
      `--envelope applies to new charts (import, create): ${command} writes a chart in its own envelope (a v1 chart moves to v3 with "charts upgrade-v3")`,
    );
  // Standard input is the chart then, so it cannot also be the password.
  const chartFromStdin = (command === 'update' && args[1] === '-') || (command === 'create' && args[0] === '-');
  if (chartFromStdin && !process.env.HEALTHCHAIN_PASSWORD)
    throw new CliError(`${command} - reads the chart from standard input: give the password in HEALTHCHAIN_PASSWORD`);
  if (command === 'charts') checkUpgradeArgs(args, options);
  if (command === 'practitioners') {
    const { directory, node } = await connectDirectory(options);
    try {
      const found = await directory.search(args[0] ?? '');
      print(
        found,
        () => found.map((p) => `${p.signKey}  ${p.name} (${p.specialty})`).join('\n') || 'No practitioners.',
      );
      return 0;
    } finally {
      directory.close();
      await node?.stop();
    }
  }
  // Chosen (or refused) before anything starts: a --envelope against IT's pin writes nothing.
  const envelope: EnvelopeChoice | null = CREATING.includes(command) ? await chooseEnvelope(options) : null;
  // A list reads and writes the doctor's checkpoint, and a create takes its list index from it: both follow IT.
  const checkpoints = await chooseListCheckpoints(options);
  const needsIdentity = command !== 'outbox';
  const importFiles = command === 'import' && args[0] ? jsonFiles(args[0]) : null;
  // An import validates in worker threads, which index the R4 definitions while the keychain and the node start.
  const validators = importFiles ? await startValidators() : null;
  // The embedded node's thread loads its code meanwhile too (started in connect(), if no other node is chosen).
  if (options.nodes.length === 0) (await import('./local-node')).warmLocalNode();
  const lookahead =
    validators && importFiles
      ? new ImportLookahead(importFiles, validators, IMPORT_CONCURRENCY, IMPORT_AHEAD_WHILE_UNLOCKING)
      : null;
  let ctx: Context;
  let holder: LockableKeyHolder | null = null;
  try {
    const unlocking = needsIdentity ? await beginUnlock(options.identity) : null;
    // The workers check the first bundles while scrypt derives the key and the node starts.
    lookahead?.start();
    try {
      ctx = await connect(options, {
        ...(lookahead ? { fhirValidator: lookahead.fhirValidator, fhirConverter: lookahead.fhirConverter } : {}),
        ...(envelope ? { ledgerEnvelope: () => envelope.envelope } : {}),
        listCheckpoint: checkpoints.on ? {} : false,
        verifiedCache: command === 'charts',
      });
      mark('connected (chart service built, node ready)');
    } catch (error) {
      await unlocking?.unlocked.then((h) => h.lock()).catch(() => {});
      throw error;
    }
    try {
      holder = unlocking ? await unlocking.unlocked : null;
      mark('identity unlocked');
    } catch (error) {
      await close(ctx);
      throw error;
    }
  } catch (error) {
    // Nothing will be imported: the checks the lookahead started are dropped, not finished on this thread.
    await validators?.abandon();
    throw error;
  }
  try {
    const { service } = ctx;
    // What earlier runs left in the outbox is posted first: the sender's retry loop looks only 1 s after start, and a
    // short command has stopped it by then, so a pending version would wait for a long command. Nodes that do not
    // answer leave it pending, as before. `outbox` shows the items as they are.
    if (command !== 'outbox') await service.retryOutbox();
    if (WRITE_COMMANDS.includes(command))
      return await runWrite(command, args, options, service, holder!, ctx.envelopeOf, print);
    if (command === 'create') return await runCreate(args, options, service, holder!, envelope!, print);
    if (command === 'charts') return await runUpgrade(service, holder!, options, print);
    switch (command) {
      case 'import': {
        if (!args[0] || !importFiles) throw new CliError('import needs a file or a folder');
        const files = importFiles;
        const results: ({ file: string; error: string } | { file: string; chartId: string; envelope: string })[] =
          new Array(files.length);
        let next = 0;
        const progress = batchedLines((text) => process.stderr.write(text));
        mark(`importing ${files.length} file(s), ${lookahead?.convertedAhead ?? 0} converted while unlocking`);
        if (files.length > 0) progress.line(`New charts in ${describeChoice(envelope!)}.`);
        const worker = async () => {
          while (next < files.length) {
            const i = next++;
            const file = files[i]!;
            try {
              const read = lookahead ? lookahead.take(i) : readBundle(file);
              if ('error' in read) throw read.error;
              const result = await service.importFhir(holder!, read.bundle, { json: read.json });
              results[i] = { file, ...result, envelope: envelope!.envelope };
              if (result.status === 'committed') mark('first commit', { once: true });
              progress.line(
                `[${i + 1}/${files.length}] ${file} → ${result.chartId} (${result.status})${result.warnings.map((w) => `\n    warning: ${w}`).join('')}`,
              );
            } catch (error) {
              results[i] = { file, error: (error as Error).message };
              progress.line(`[${i + 1}/${files.length}] ${file}: ${(error as Error).message}`);
            }
          }
        };
        try {
          await Promise.all(Array.from({ length: Math.min(IMPORT_CONCURRENCY, files.length) }, worker));
        } finally {
          progress.flush();
          mark('last bundle answered', { threads: true });
        }
        const failed = results.filter((r) => 'error' in r).length;
        // The summary line stays as scripts parse it (test/bench/cli-import.ts); the envelope is named on stderr above.
        print(results, () => `Imported ${files.length - failed} of ${files.length} bundle(s).`);
        return failed ? EXIT.failed : EXIT.ok;
      }
      case 'list': {
        const charts = await service.list(holder!);
        print(
          charts,
          () =>
            charts
              .map(
                (c) =>
                  `${c.chartId}  ${c.integrity === 'tampered' ? `TAMPERED: ${c.tamperReason}` : `${c.patientName}  v${c.seq} ${c.updatedAt}${c.integrity === 'pending' ? ' (pending)' : ''}${c.status === 'revoked' ? ' (revoked)' : ''}`}`,
              )
              .join('\n') || 'No charts.',
        );
        return charts.some((c) => c.integrity === 'tampered') ? EXIT.tampered : EXIT.ok;
      }
      case 'show': {
        if (!args[0]) throw new CliError('show needs a chart id');
        const view = await service.get(holder!, args[0]);
        const history = await service.history(holder!, args[0]);
        out(JSON.stringify({ ...view, history }, null, 2));
        return view.summary.integrity === 'tampered' ? EXIT.tampered : EXIT.ok;
      }
      case 'export': {
        if (!args[0]) throw new CliError('export needs a chart id');
        const bundle = JSON.stringify(await service.exportFhir(holder!, args[0], { ips: options.ips }), null, 2);
        if (!options.out) out(bundle);
        else {
          writeFileSync(options.out, bundle, { mode: 0o600 });
          if (options.json) out(JSON.stringify({ savedTo: options.out, ips: options.ips }));
        }
        return 0;
      }
      case 'verify': {
        if (!args[0] && !options.all) throw new CliError('verify needs a chart id or --all');
        const reports = args[0] ? [await service.verify(holder!, args[0])] : await service.verifyAll(holder!);
        print(
          reports,
          () =>
            reports
              .map(
                (r) =>
                  `${r.ok ? 'OK      ' : 'TAMPERED'} ${r.chartId}  ${r.chain.length} version(s)${r.reason ? `  ${r.reason}` : ''}`,
              )
              .join('\n') || 'No charts.',
        );
        return reports.every((r) => r.ok) ? EXIT.ok : EXIT.tampered;
      }
      case 'outbox': {
        if (args[0] === 'discard') {
          if (!args[1]) throw new CliError('outbox discard needs the transaction id of a rejected item (see: outbox)');
          await service.discardRejected(args[1]);
          print({ discarded: args[1] }, () => `Discarded ${args[1]} from the outbox.`);
          return 0;
        }
        if (args[0] !== undefined) throw new CliError('outbox: expected no argument, or "discard <txId>"');
        const items = service.outbox();
        print(
          items,
          () =>
            items
              .map(
                (i) =>
                  `${i.txId}  ${i.kind === 'authority' ? 'authority act' : i.action}${i.seq ? ` v${i.seq}` : ''}  ${i.state}  attempts ${i.attempts}${i.lastError ? `  ${i.lastError}` : ''}`,
              )
              .join('\n') || 'The outbox is empty.',
        );
        return 0;
      }
    }
    return 2;
  } finally {
    holder?.lock();
    await close(ctx);
    await validators?.close();
    mark('closed');
  }
}

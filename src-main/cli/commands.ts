// The CLI's commands, over the same chart service the app uses. Loaded only once a command needs it.
import { createInterface } from 'node:readline';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { generateToken } from '../ledger-node/http/access';
import { startLedgerNode, type LedgerNode } from '../ledger-node/node';
import { defaultDataDir } from '../ledger-node/process/data-dir';
import { KeychainCardKey, PatientCards, Vault } from '../vault';
import type { LockableKeyHolder } from '../../src-shared/crypto/keyholder';
import { createChartService, type ChartService } from '../records/chart-service';
import type { CliOptions } from './args';

export class CliError extends Error {}

export const out = (text: string) => process.stdout.write(`${text}\n`);
export const err = (text: string) => process.stderr.write(`${text}\n`);

async function readPassword(): Promise<string> {
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

function vault(): Vault {
  const service = process.env.HEALTHCHAIN_KEYCHAIN_SERVICE;
  return new Vault(service ? { service } : {});
}

async function unlock(v: Vault, wanted: string | undefined): Promise<LockableKeyHolder> {
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
  return v.unlock(chosen.id, await readPassword());
}

interface Context {
  service: ChartService;
  node: LedgerNode | null;
}

async function connect(options: CliOptions): Promise<Context> {
  const dataDir = resolve(options.data ?? defaultDataDir());
  let node: LedgerNode | null = null;
  let nodes = options.nodes;
  if (nodes.length === 0) {
    // In-process and for this command only, but on a local port all the same: token-protected like the app's.
    node = await startLedgerNode({ port: 0, dataDir, access: { kind: 'token', token: generateToken() } });
    nodes = [node.url];
  }
  const outboxDir = resolve(options.outbox ?? join(dirname(dataDir), 'outbox'));
  mkdirSync(outboxDir, { recursive: true });
  const own = node;
  // The user's own token for the --node nodes (`npm run ledger` prints one); never sent when the CLI runs its own.
  const given = process.env.HC_LEDGER_TOKEN || null;
  const service = await createChartService({
    nodeUrls: nodes,
    outboxDir,
    cards: new PatientCards({ cardKey: cardKeyStore(options.nodes.length === 0) }),
    liveStream: false,
    client: { bearerTokenFor: (base) => (own ? (base === own.url ? own.token : null) : given) },
  });
  return { service, node };
}

function jsonFiles(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new CliError(`${path}: no such file or folder`);
  if (stat.isFile()) return [path];
  return readdirSync(path)
    .filter((n) => n.toLowerCase().endsWith('.json'))
    .sort()
    .map((n) => join(path, n));
}

/** The hospital card key in this keychain; created with a first card only on the embedded node, as the app does. */
function cardKeyStore(mayCreate = false): KeychainCardKey {
  const service = process.env.HEALTHCHAIN_CARD_KEY_SERVICE;
  return new KeychainCardKey({ ...(service ? { service } : {}), mayCreate: () => mayCreate });
}

export async function run(options: CliOptions): Promise<number> {
  const [command, ...args] = options.command;
  const print = (value: unknown, text: () => string) => out(options.json ? JSON.stringify(value, null, 2) : text());

  if (command === 'identity') {
    const v = vault();
    if (args[0] === 'list') {
      const { identities } = await v.list();
      print(
        identities,
        () => identities.map((i) => `${i.signKey}  ${i.name} (${i.specialty})`).join('\n') || 'No identities.',
      );
      return 0;
    }
    if (args[0] === 'create') {
      if (!options.name || !options.licence)
        throw new CliError('identity create needs --name and --licence (and --specialty)');
      const { identity, holder } = await v.create({
        name: options.name,
        specialty: options.specialty ?? '',
        licenceNumber: options.licence,
        password: await readPassword(),
      });
      const ctx = await connect(options);
      try {
        const entry = await ctx.service.publishPractitioner(holder, {
          name: identity.name,
          specialty: identity.specialty,
        });
        print(
          { identity, practitioner: entry },
          () =>
            `Created ${identity.name}\n  signKey ${identity.signKey}\n  boxKey  ${identity.boxKey}\n  directory entry ${entry.txId ?? 'pending in the outbox'}`,
        );
      } finally {
        await close(ctx);
        holder.lock();
      }
      return 0;
    }
    throw new CliError('identity: expected "create" or "list"');
  }

  if (command === 'network') {
    if (args[0] !== 'check' || args.length > 1) throw new CliError('network: expected "check"');
    const { runNetworkCheck, NetworkCheckUsageError } = await import('./network-check');
    return runNetworkCheck(options, out).catch((error: unknown) => {
      throw error instanceof NetworkCheckUsageError ? new CliError(error.message) : error;
    });
  }

  if (command === 'card-key') {
    const store = cardKeyStore();
    if (args[0] === 'create') {
      await store.create();
      err(
        'Created the hospital card key in this keychain. Install the same key on every workstation and kiosk ("card-key export" here, "card-key import" there).',
      );
      out((await store.export())!);
      return 0;
    }
    if (args[0] === 'export') {
      const text = await store.export();
      if (!text)
        throw new CliError(
          'No hospital card key in this keychain (create one with "card-key create", once per hospital)',
        );
      out(text);
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
      return 0;
    }
    throw new CliError('card-key: expected "create", "export" or "import"');
  }

  const known = ['import', 'list', 'show', 'export', 'verify', 'outbox', 'practitioners', 'issue-card'];
  if (!command || !known.includes(command)) throw new CliError(`unknown command "${command}"`);
  const needsIdentity = command !== 'outbox' && command !== 'practitioners';
  const holder = needsIdentity ? await unlock(vault(), options.identity) : null;
  const ctx = await connect(options);
  try {
    const { service } = ctx;
    switch (command) {
      case 'import': {
        if (!args[0]) throw new CliError('import needs a file or a folder');
        const files = jsonFiles(args[0]);
        let failed = 0;
        const results: unknown[] = [];
        for (const [i, file] of files.entries()) {
          try {
            const result = await service.importFhir(holder!, JSON.parse(readFileSync(file, 'utf8')));
            results.push({ file, ...result });
            err(
              `[${i + 1}/${files.length}] ${file} → ${result.chartId} (${result.status})${result.warnings.map((w) => `\n    warning: ${w}`).join('')}`,
            );
          } catch (error) {
            failed++;
            results.push({ file, error: (error as Error).message });
            err(`[${i + 1}/${files.length}] ${file}: ${(error as Error).message}`);
          }
        }
        print(results, () => `Imported ${files.length - failed} of ${files.length} bundle(s).`);
        return failed ? 1 : 0;
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
        return 0;
      }
      case 'show': {
        if (!args[0]) throw new CliError('show needs a chart id');
        const view = await service.get(holder!, args[0]);
        const history = await service.history(holder!, args[0]);
        out(JSON.stringify({ ...view, history }, null, 2));
        return view.summary.integrity === 'tampered' ? 1 : 0;
      }
      case 'export': {
        if (!args[0]) throw new CliError('export needs a chart id');
        const bundle = JSON.stringify(await service.exportFhir(holder!, args[0]), null, 2);
        if (options.out) writeFileSync(options.out, bundle, { mode: 0o600 });
        else out(bundle);
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
        return reports.every((r) => r.ok) ? 0 : 1;
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
                  `${i.txId}  ${i.action}${i.seq ? ` v${i.seq}` : ''}  ${i.state}  attempts ${i.attempts}${i.lastError ? `  ${i.lastError}` : ''}`,
              )
              .join('\n') || 'The outbox is empty.',
        );
        return 0;
      }
      case 'issue-card': {
        // A new (version 2) card for a chart, e.g. to replace a version 1 card: the old card stops reading.
        if (!args[0]) throw new CliError('issue-card needs a chart id');
        const pin = process.env.HEALTHCHAIN_CARD_PIN;
        if (!pin) throw new CliError("issue-card reads the patient's new PIN from HEALTHCHAIN_CARD_PIN");
        const card = await service.issueCard(holder!, args[0], pin);
        if (options.out) writeFileSync(options.out, card.qrSvg, { mode: 0o600 });
        print(
          { chartId: args[0], code: card.code, qrSvg: options.out ?? null },
          () => `Access card for ${args[0]}: ${card.code}${options.out ? `\n  QR code written to ${options.out}` : ''}`,
        );
        return 0;
      }
      case 'practitioners': {
        const found = await service.searchPractitioners(args[0] ?? '');
        print(
          found,
          () => found.map((p) => `${p.signKey}  ${p.name} (${p.specialty})`).join('\n') || 'No practitioners.',
        );
        return 0;
      }
    }
    return 2;
  } finally {
    holder?.lock();
    await close(ctx);
  }
}

async function close(ctx: Context): Promise<void> {
  await ctx.service.close();
  await ctx.node?.stop();
}

// `npm run ledger -- --port <port> --data <dir> [--host <h>] [--token <t> | --open] [--allow-host <name>]`: the
// node in the foreground. Without --token / HC_LEDGER_TOKEN / --open it makes up a token and prints it once.
import { generateToken, type LedgerAccess } from './http/access';
import { parseCliArgs, USAGE } from './process/cli-args';
import { defaultDataDir, formerCliDataDir } from './process/data-dir';
import { useFormerFolder } from './process/former-folder';
import { startLedgerNode } from './node';

async function main(): Promise<number> {
  let defaulted = false;
  const parsed = parseCliArgs(process.argv.slice(2), () => {
    defaulted = true;
    return defaultDataDir();
  });
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    console.error(`ledger: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { host, port, allowedHosts } = parsed.options;
  let dataDir = parsed.options.dataDir;
  const chosen = parsed.options.access;
  const access: LedgerAccess = chosen.kind === 'generate' ? { kind: 'token', token: generateToken() } : chosen;
  let node;
  try {
    // Without --data: the app's folder, where a ledger left in this command's former default is moved once.
    if (defaulted)
      dataDir = useFormerFolder(dataDir, formerCliDataDir(), 'npm run ledger', (line) =>
        console.error(`ledger: ${line}`),
      );
    node = await startLedgerNode({ host, port, dataDir, access, allowedHosts, program: 'npm run ledger' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'EADDRINUSE' ? `port ${port} is already in use` : error instanceof Error ? error.message : String(error);
    console.error(`ledger: cannot start: ${reason}`);
    return 1;
  }
  // "Listening" is announced only once the API really answers.
  const probe = await fetch(`${node.url}/`).catch((error: unknown) => error);
  if (!(probe instanceof Response) || !probe.ok) {
    console.error(`ledger: started but ${node.url}/ does not answer`);
    await node.stop();
    return 1;
  }
  // Before the "listening" line, which tools wait for: once it is out, the token is too.
  if (chosen.kind === 'generate') {
    console.log(
      `ledger token (send "Authorization: Bearer <token>"; pass --token or HC_LEDGER_TOKEN to keep one): ${node.token}`,
    );
  } else if (chosen.kind === 'open') {
    console.log('ledger: open mode (--open): any client that reaches this port may read and write');
  } else {
    console.log('ledger: requests need the bearer token given with --token / HC_LEDGER_TOKEN');
  }
  console.log(`ledger listening on ${node.url}`);
  console.log(`data directory: ${dataDir}`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        console.error(`ledger: ${signal} again, exiting without waiting`);
        process.exit(130);
      }
      stopping = true;
      console.log(`ledger: ${signal} received, writing pending transactions and closing`);
      node.stop().then(
        () => {
          console.log('ledger: stopped');
          resolve(0);
        },
        (error: unknown) => {
          console.error(`ledger: error while stopping: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

process.exitCode = await main();

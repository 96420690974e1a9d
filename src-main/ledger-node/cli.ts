// `npm run ledger -- --port <port> --data <dir> [--host <h>]`: the node in the foreground.
import { parseCliArgs, USAGE } from './process/cli-args';
import { startLedgerNode } from './node';

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    console.error(`ledger: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { host, port, dataDir } = parsed.options;
  let node;
  try {
    node = await startLedgerNode({ host, port, dataDir });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'EADDRINUSE' ? `port ${port} is already in use` : error instanceof Error ? error.message : String(error);
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

// `npm run cli -- <command>`: a small command line over the same chart service the app uses (see args.ts).
// Commands load lazily, so `--help` and usage errors answer without starting the node, the vault or the service.
import { parseCli, USAGE } from './args';

async function main(): Promise<number> {
  if (process.argv[2] === 'hospital') return (await import('./hospital')).runHospital(process.argv.slice(3));
  const parsed = parseCli(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`healthchain: ${parsed.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { run, CliError } = await import('./commands');
  try {
    return await run(parsed.options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`healthchain: ${message}\n`);
    if (error instanceof CliError) return 2;
    return 1;
  }
}

process.exitCode = await main();

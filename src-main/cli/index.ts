// `npm run cli -- <command>`: a small command line over the same chart service the app uses (see args.ts).
// Commands load lazily, so `--help` and usage errors answer without starting the node, the vault or the service.
// `npm run cli` runs the bundle of this file (scripts/cli.mjs, rebuilt when its sources change).
import { parseCli } from './args';

async function main(): Promise<number> {
  if (process.argv[2] === 'hospital') return (await import('./hospital')).runHospital(process.argv.slice(3));
  if (process.argv[2] === 'emergency') return (await import('./emergency')).runEmergency(process.argv.slice(3));
  const parsed = parseCli(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    const { USAGE } = await import('./args');
    process.stderr.write(`healthchain: ${parsed.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { run } = await import('./commands');
  try {
    return await run(parsed.options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`healthchain: ${message}\n`);
    const { exitCodeOf } = await import('./context');
    return exitCodeOf(error);
  }
}

process.exitCode = await main();

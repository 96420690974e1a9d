// `npm run cli -- <command>`: a small command line over the same chart service the app uses (see args.ts).
// Commands load lazily, so `--help` and usage errors answer without starting the node, the vault or the service.
// `node scripts/cli.mjs` (or `npm run cli`) runs the bundle of this file (rebuilt when its sources change).
import { parseCli } from './args';
import { mark } from './timeline';

/** The version esbuild writes into the bundle (scripts/build-cli.mjs); from source, package.json's. */
declare const __HC_VERSION__: string | undefined;

async function version(): Promise<string> {
  if (typeof __HC_VERSION__ === 'string') return __HC_VERSION__;
  const { readFileSync } = await import('node:fs');
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
}

async function main(): Promise<number> {
  // Answered before anything else loads: a script checking the version pays Node's start and no more.
  if (process.argv[2] === '--version' || process.argv[2] === '-V') {
    process.stdout.write(`healthchain ${await version()}\n`);
    return 0;
  }
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
  mark('arguments parsed');
  const { run } = await import('./commands');
  mark('commands loaded');
  try {
    return await run(parsed.options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`healthchain: ${message}\n`);
    const { exitCodeOf } = await import('./context');
    return exitCodeOf(error);
  }
}

// No top-level await: the bundle is CommonJS, so V8's code cache can be used for it (scripts/build-cli.mjs).
void main().then((code) => {
  process.exitCode = code;
});

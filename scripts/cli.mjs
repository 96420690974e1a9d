// `node scripts/cli.mjs …` (and `npm run cli -- …`): runs the bundled command line (out/cli/index.js), bundling it
// first when it is missing or older than any file it was built from (scripts/build-cli.mjs). The check stats the
// bundle's inputs: a few ms.
import { pathToFileURL } from 'node:url';
import { buildCli, isStale, outDir } from './build-cli.mjs';

if (isStale()) {
  process.stderr.write('healthchain: bundling the command line (its sources changed)…\n');
  await buildCli();
}
await import(pathToFileURL(`${outDir}/index.js`).href);

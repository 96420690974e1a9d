// What the CLI bundle resolves 'undici' to (scripts/build-cli.mjs): the one export src-main/ledger/http-transport.ts
// uses, without undici's index, which loads fetch, WebSocket, cookies, caches… (~0.3 s of start-up) on import.
import Pool from 'undici/lib/dispatcher/pool.js';

export { Pool };

// Development and test entry of the verification worker: worker threads do not inherit tsx's loader, so this
// registers it and then runs the TypeScript worker. The built app starts out/main/verify-worker.js directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);

// The verification worker of the chart service (verify-pool.ts's worker, src-main/ledger/verify-worker.ts) with the
// task records gives it: opening a v3 chart's versions once the reader opened their boxes (v3-open-split.ts). The
// built app's `verify-worker` entry; the ledger's worker alone still validates, and a pool whose worker lacks the
// task runs it on the calling thread.
import { registerTask } from '../ledger/verify-worker';
import { OPEN_V3_TASK, openPrepared, type OpenV3Input } from './v3-open-split';

registerTask(OPEN_V3_TASK, (input) => openPrepared(input as OpenV3Input));

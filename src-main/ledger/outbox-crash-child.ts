// Child process for outbox-durability.test.ts, run through tsx and SIGKILLed while it works:
//   add <dir> <from> <count> <concurrency>  adds test records from..from+count-1 with `concurrency` adds in flight,
//                                           sending { acked: n } for each once its add has resolved
//   open <dir>                              sends { opening: true }, opens the outbox (migrating old files), then
//                                           { opened: <records>, ms: <time the open took> }
import { Outbox } from './outbox';
import { testRecord } from '../../test/fixtures/outbox-records';

const [mode, dir, ...numbers] = process.argv.slice(2);
const send = (message: object) => process.send?.(message);

if (mode === 'add' && dir) {
  const [from = 0, count = 0, concurrency = 1] = numbers.map(Number);
  const outbox = await Outbox.open(dir);
  let next = from;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < from + count) {
      const n = next++;
      await outbox.add(testRecord(n));
      send({ acked: n });
    }
  }));
  send({ done: true });
} else if (mode === 'open' && dir) {
  send({ opening: true });
  const started = performance.now();
  const outbox = await Outbox.open(dir);
  send({ opened: outbox.all().length, ms: performance.now() - started });
} else {
  throw new Error(`usage: outbox-crash-child.ts add <dir> <from> <count> <concurrency> | open <dir> (got ${process.argv.slice(2).join(' ')})`);
}

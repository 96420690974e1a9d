import { openSync, writeSync, fsyncSync, fdatasyncSync } from 'node:fs';
const fd = openSync('/tmp/fsync-test.bin', 'w');
const buf = Buffer.alloc(4096, 1);
const t = [];
for (let i = 0; i < 50; i++) { const t0 = performance.now(); writeSync(fd, buf); fdatasyncSync(fd); t.push(performance.now() - t0); }
t.sort((a,b)=>a-b); console.log('fdatasync p50', t[25].toFixed(2), 'p90', t[45].toFixed(2), 'max', t[49].toFixed(2));

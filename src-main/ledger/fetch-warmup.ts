// Warming a verification worker's HTTP client: a cold list's chart reads are made by the worker (verify-pool.ts
// fetchAnswer), and a fresh worker runs undici cold — its JavaScript not yet compiled by V8, its HTTP parser
// (WebAssembly) not yet tiered up. Measured on 3,000 reads of one-version charts against a loopback server: a fresh
// worker spent ~810 ms of CPU, a warmed one ~500 ms, and the old path (reads on the main thread, validation in the
// worker) ~600 ms. At start-up the worker therefore makes a few hundred reads from a server of its own, on 127.0.0.1
// and a port the system picks, that answers every GET with the warm-up's sample chain (no data of anyone) and is
// closed as soon as the reads are done.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpTransport } from './http-transport';

// Enough reads for V8 to compile the client's path (measured: the CPU a read falls to about its warmed level after
// ~1,500 reads; fewer left the list's first thousand reads slower).
const READS = 1500;
const IN_FLIGHT = 32;

/** Makes READS GETs of `body` through an HttpTransport from a loopback server of this thread; true when all answered. */
export async function warmUpFetching(body: string, reads = READS): Promise<boolean> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  const transport = new HttpTransport();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/transactions?asset_id=warm-up`;
    let next = 0;
    let answered = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next++ < reads) {
          const { status, text } = await transport.get(url, 5000, { authorization: 'Bearer warm-up' });
          if (status === 200 && text.length === body.length) answered++;
        }
      }),
    );
    return answered === reads;
  } finally {
    transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

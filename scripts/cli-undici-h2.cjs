// What undici's client.js gets for './client-h2.js' in the CLI bundle (scripts/build-cli.mjs): the same function,
// run on its first call. Run at start-up, that module loads node:http2 (and node:tls with it): ~20–30 ms of CPU for a
// command line that speaks HTTP/1.1 only (undici's Pool negotiates HTTP/2 only with allowH2, which HealthChain does
// not set). node:tls still loads when an https node is first connected to (undici's connect.js).
module.exports = function connectH2(...args) {
  // A require() inside the function: esbuild then bundles the module but runs it only here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('undici/lib/dispatcher/client-h2.js')(...args);
};

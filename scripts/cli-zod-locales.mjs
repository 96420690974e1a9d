// zod's `locales` namespace for the CLI bundle: English only. zod registers English itself (classic/schemas.js); the
// other 40-odd languages are only reachable through `z.locales.xx`, which HealthChain never calls, yet a namespace
// re-export keeps them all in a bundle: ~200 KB the CLI would compile at every start (docs/BENCHMARKS.md).
export { default as en } from '../node_modules/zod/v4/locales/en.js';

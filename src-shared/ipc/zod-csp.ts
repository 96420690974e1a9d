// The renderer and preload run under a CSP without 'unsafe-eval'. zod 4 compiles object parsers with `new Function`
// unless told not to; probing for it raises a CSP violation report on every page load. Their entries import this
// first (src-renderer/src/main.tsx, src-main/app/preload/index.ts); the main process, which has no CSP, does not.
import { z } from 'zod';

z.config({ jitless: true });

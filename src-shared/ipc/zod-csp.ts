// The renderer and preload run under a CSP without 'unsafe-eval'. zod 4 compiles object parsers with `new Function`
// unless told not to; probing for it raises a CSP violation report on every page load. Anything that imports the
// contract's schemas gets the eval-free parser.
import { z } from 'zod';

z.config({ jitless: true });

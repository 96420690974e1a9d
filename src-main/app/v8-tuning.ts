// The main process's first module (imported first by main.ts, and by the list benchmarks' children): V8's flags must
// be set before the app's functions are first run, and the verification workers share the process's flags.
//
// A fresh app lists a doctor's charts once, seconds after it starts, and that first list is bound by the process's
// total CPU on 2 cores: V8's optimising compiles on its background threads were ~1.5 s of it for 10,000 charts
// (docs/BENCHMARKS.md, helper list12g). A larger interrupt budget lets a function run longer before V8 considers it
// for TurboFan, so code that is hot only during start-up is not compiled (and recompiled after deopts) at all. It
// costs nothing later: the app runs for hours, and a function hot over minutes is still optimised, a few thousand
// calls later. The same budget the command line uses (scripts/cli-entry.mjs, helper import16h).
import { setFlagsFromString } from 'node:v8';

/** 4 × V8's default (66 KB of bytecode executed between profiler ticks). */
export const INTERRUPT_BUDGET_FLAG = '--interrupt-budget=270336';

setFlagsFromString(INTERRUPT_BUDGET_FLAG);

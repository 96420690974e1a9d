// Remembers FHIRPath invariant verdicts by what the expression can read of the value, so that the fast pass
// (fhir-validation-fast.ts) asks @medplum/core's evaluator once per distinct case instead of once per element: a
// 1,000-bundle import evaluates the same Bundle, BundleEntry and Extension invariants thousands of times, on values that
// differ only where the expression does not look (~75 % of the fast pass's CPU went to medplum's evaluator).
//
// What an expression reads is derived from its parsed form (medplum's own atoms), not from a list of known invariants:
// each property path it navigates from the context (or from %resource / %rootResource), and whether it uses the values
// found there or only how many non-empty ones there are (exists(), empty(), count(), first(), a where's input...). The
// verdict is a function of the value's projection onto those paths, computed the way medplum navigates (its element
// definitions, its choice of "value[x]" key, its isEmpty), so two values with the same projection get the same verdict.
// Anything the analysis does not model — an unknown function (now(), resolve(), descendants()...), a type name, a
// variable other than %context/%resource/%rootResource/%ucum, navigation from a computed value — leaves the invariant
// to medplum every time. So does a value the projection cannot summarise exactly: a property without an element
// definition (medplum then infers types from the value), a primitive extension ("_key"), an object whose whole value
// is read. The memo only replaces medplum's answer by medplum's own answer for an equal projection.
import {
  AndAtom,
  ArithemticOperatorAtom,
  AsAtom,
  capitalize,
  ConcatAtom,
  ContainsAtom,
  DotAtom,
  EmptySetAtom,
  EqualsAtom,
  EquivalentAtom,
  FhirPathAtom,
  FunctionAtom,
  getElementDefinition,
  ImpliesAtom,
  InAtom,
  IndexerAtom,
  IsAtom,
  isEmpty,
  isResource,
  LiteralAtom,
  NotEqualsAtom,
  NotEquivalentAtom,
  OrAtom,
  SymbolAtom,
  UnaryOperatorAtom,
  UnionAtom,
  XorAtom,
} from '@medplum/core';
import type { TypedValue } from '@medplum/core';

type Atom = FhirPathAtom;

/** One path the expression navigates: what it uses of the values found there, and the paths below it. */
interface Read {
  readonly below: Map<string, Read>;
  /** Only how many values there are and which are empty (and, for a resource, its type). */
  count: boolean;
  /** The values themselves. */
  value: boolean;
}

interface Reads {
  readonly context: Read;
  resource: Read | null;
  rootResource: Read | null;
}

/** A Read as the projection walks it: the paths below in arrays. */
interface Plan {
  readonly value: boolean;
  readonly names: readonly string[];
  readonly belows: readonly Plan[];
}

function planOf(read: Read): Plan {
  return { value: read.value, names: [...read.below.keys()], belows: [...read.below.values()].map(planOf) };
}

/** The analysis met something it does not model: the invariant always goes to medplum. */
class Opaque extends Error {}

/** Values computed by the expression (booleans, strings...): they carry no path, and nothing is navigated from them. */
const DERIVED = 'derived';
/** The input of a function argument that medplum evaluates on an input of its choosing: nothing relative may be read. */
const NONE = 'none';
type Items = readonly Read[] | typeof DERIVED | typeof NONE;

const newRead = (): Read => ({ below: new Map(), count: false, value: false });

function use(items: Items, how: 'count' | 'value'): void {
  if (items === NONE) throw new Opaque();
  if (items === DERIVED) return;
  for (const r of items) r[how] = true;
}

const VALUE_OPERATORS = [
  AndAtom,
  OrAtom,
  ImpliesAtom,
  XorAtom,
  EqualsAtom,
  NotEqualsAtom,
  EquivalentAtom,
  NotEquivalentAtom,
  ArithemticOperatorAtom,
  ConcatAtom,
  ContainsAtom,
  InAtom,
  UnionAtom,
];
/** Functions of their input's size alone (no argument). */
const COUNTING = new Set(['exists', 'empty', 'count', 'hasValue']);
/** Functions that return some of their input's items, chosen by position (no argument). */
const POSITIONAL = new Set(['first', 'last', 'tail', 'single']);
/** Functions that evaluate their argument on each input item: where(c), all(c), exists(c), select(p). */
const ITERATING = new Set(['where', 'all', 'exists', 'select']);
/** Functions of their input's values and of arguments that read no path relative to the input. */
const OF_VALUES = new Set([
  'not',
  'distinct',
  'isDistinct',
  'length',
  'upper',
  'lower',
  'toString',
  'toInteger',
  'toDecimal',
  'allTrue',
  'anyTrue',
  'allFalse',
  'anyFalse',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'substring',
  'indexOf',
  'replace',
  'intersect',
  'exclude',
  'subsetOf',
  'supersetOf',
]);

function analyse(atom: unknown, input: Items, reads: Reads): Items {
  if (atom instanceof FhirPathAtom) return analyse(atom.child, input, reads);
  if (atom instanceof LiteralAtom || atom instanceof EmptySetAtom) return DERIVED;
  if (atom instanceof SymbolAtom) return symbol(atom.name, input, reads);
  if (atom instanceof DotAtom) return analyse(atom.right, analyse(atom.left, input, reads), reads);
  if (atom instanceof FunctionAtom) return call(atom, input, reads);
  if (atom instanceof IndexerAtom) {
    const items = analyse(atom.left, input, reads);
    use(items, 'count');
    use(analyse(atom.expr, input, reads), 'value');
    return items;
  }
  if (atom instanceof IsAtom || atom instanceof AsAtom) {
    // "x is T" (fhirPathIs) and "x as T" (ofType): the right side is a type name, not evaluated.
    const items = analyse(atom.left, input, reads);
    if (atom instanceof AsAtom) return typeTest(items, atom.right, 'as');
    typeTest(items, atom.right, 'is');
    return DERIVED;
  }
  if (VALUE_OPERATORS.some((op) => atom instanceof op)) {
    const { left, right } = atom as { left: unknown; right: unknown };
    use(analyse(left, input, reads), 'value');
    use(analyse(right, input, reads), 'value');
    return DERIVED;
  }
  if (atom instanceof UnaryOperatorAtom) {
    use(analyse(atom.child, input, reads), 'value');
    return DERIVED;
  }
  throw new Opaque();
}

function symbol(name: string, input: Items, reads: Reads): Items {
  // medplum: "$this" is the atom's input; then the variables; then a resource type name; then a property.
  if (name === '$this') {
    if (input === NONE) throw new Opaque();
    return input;
  }
  if (name === '%context') return [reads.context];
  if (name === '%resource') return [(reads.resource ??= newRead())];
  if (name === '%rootResource') return [(reads.rootResource ??= newRead())];
  if (name === '%ucum') return DERIVED;
  if (name.startsWith('%') || name.startsWith('$') || name[0] !== name[0]!.toLowerCase()) throw new Opaque();
  if (input === NONE || input === DERIVED) throw new Opaque();
  return input.map((r) => {
    let next = r.below.get(name);
    if (!next) r.below.set(name, (next = newRead()));
    return next;
  });
}

/** fhirPathIs answers these from the value itself (its JavaScript type, a date's format, a Quantity's shape). */
const TYPES_OF_VALUES = new Set(['Boolean', 'Decimal', 'Integer', 'Date', 'DateTime', 'Time', 'Period', 'Quantity']);

/**
 * is(T), ofType(T), as(T): for other names than TYPES_OF_VALUES, fhirPathIs and ofType look at the item's type (the
 * path's, or a resource's resourceType) and whether it is null — what a counting read records — not at its value.
 */
function typeTest(items: Items, type: unknown, fn: 'is' | 'as' | 'ofType'): Items {
  if (!(type instanceof SymbolAtom)) throw new Opaque();
  const name = type.name.replace(/^(System|FHIR)\./, '');
  use(items, fn !== 'ofType' && TYPES_OF_VALUES.has(name) ? 'value' : 'count');
  return items;
}

function call(fn: FunctionAtom, input: Items, reads: Reads): Items {
  const { name, args } = fn;
  if (args.length === 1 && (name === 'is' || name === 'ofType' || name === 'as')) {
    const items = typeTest(input, args[0], name);
    return name === 'is' ? DERIVED : items;
  }
  if (args.length === 0 && COUNTING.has(name)) {
    use(input, 'count');
    return DERIVED;
  }
  if (args.length === 0 && POSITIONAL.has(name)) {
    use(input, 'count');
    return input;
  }
  if (args.length === 1 && ITERATING.has(name)) {
    if (input === NONE || input === DERIVED) throw new Opaque();
    use(input, 'count');
    const out = analyse(args[0], input, reads);
    if (name === 'select') return out;
    use(out, 'value');
    return name === 'where' ? input : DERIVED;
  }
  if (OF_VALUES.has(name)) {
    use(input, 'value');
    for (const arg of args) use(analyse(arg, NONE, reads), 'value');
    return DERIVED;
  }
  throw new Opaque();
}

/** What `atom` reads, or null when the analysis does not model it. */
export function readsOf(atom: Atom): Reads | null {
  const reads: Reads = { context: newRead(), resource: null, rootResource: null };
  try {
    use(analyse(atom, [reads.context], reads), 'value');
  } catch (error) {
    if (error instanceof Opaque) return null;
    throw error;
  }
  return reads;
}

class Unsummarised extends Error {}
/** Thrown often (values the memo cannot summarise): one instance, no stack captured each time. */
const UNSUMMARISED = new Unsummarised();

/** How medplum reads property `name` of a value of one type: the keys it tries, in order, and the type of each. */
interface Step {
  readonly keys: readonly string[];
  /** "_" + each key: where medplum finds a primitive's extension. */
  readonly extensions: readonly string[];
  readonly types: readonly string[];
}

// Only found steps are kept: a type indexed later (fhir-definitions.ts) must not keep an earlier "no definition".
const steps = new Map<string, Map<string, Step>>();

function stepOf(type: string, name: string): Step | undefined {
  let ofType = steps.get(type);
  const known = ofType?.get(name);
  if (known) return known;
  const element = getElementDefinition(type, name);
  if (!element) return undefined;
  const last = element.path.slice(element.path.lastIndexOf('.') + 1);
  const codes = (element.type ?? []).map((t) => t.code);
  const keys = codes.map((code) => last.replace('[x]', capitalize(code)));
  const step: Step = {
    keys,
    extensions: keys.map((key) => `_${key}`),
    // getTypedPropertyValueWithSchema: an Element or BackboneElement code stands for the element's first type.
    types: codes.map((code) => (code === 'Element' || code === 'BackboneElement' ? codes[0]! : code)),
  };
  if (!ofType) steps.set(type, (ofType = new Map()));
  ofType.set(name, step);
  return step;
}

/**
 * Appends to `out` the part of `value` (of medplum type `type`) that `read` can see, navigated as medplum's
 * getTypedPropertyValue does. Throws Unsummarised where that is not certain.
 */
function project(value: unknown, type: string, read: Plan, out: string[]): void {
  if (typeof value !== 'object' || value === null) {
    // A primitive has no properties to navigate: unless its value is read, only whether it counts (medplum's isEmpty).
    if (!read.value) out.push(value === null ? 'n' : isEmpty(value) ? '0' : '1');
    // A text is written with its length first, so that no other text's encoding begins with it.
    else if (typeof value === 'string') out.push('s', String(value.length), ':', value);
    else if (typeof value === 'boolean' || Number.isFinite(value)) out.push('v', String(value));
    else throw UNSUMMARISED;
    return;
  }
  if (read.value || Array.isArray(value)) throw UNSUMMARISED;
  const obj = value as Record<string, unknown>;
  // isResource: any "resourceType" key makes a resource, typed by its value.
  const resourceType = 'resourceType' in obj ? obj.resourceType : null;
  if (resourceType !== null && typeof resourceType !== 'string') throw UNSUMMARISED;
  out.push(isEmpty(obj) ? '{0' : '{1');
  if (resourceType === null) out.push('-');
  else out.push(String(resourceType.length), ':', resourceType);
  const { names, belows } = read;
  for (let n = 0; n < names.length; n++) {
    // Without a definition medplum infers the type from the value itself.
    const step = stepOf(type, names[n]!);
    if (!step) throw UNSUMMARISED;
    const { keys, extensions } = step;
    let i = 0;
    while (i < keys.length && obj[keys[i]!] === undefined && obj[extensions[i]!] === undefined) i++;
    if (i === keys.length) {
      out.push(',');
      continue;
    }
    const key = keys[i]!;
    if (obj[extensions[i]!] !== undefined) throw UNSUMMARISED;
    const below = belows[n]!;
    const raw = obj[key];
    if (isEmpty(raw)) {
      out.push(',');
      continue;
    }
    const found = step.types[i]!;
    out.push(',', key, ':');
    if (Array.isArray(raw)) {
      out.push('[');
      for (const v of raw) projectTyped(v, found, below, out);
      out.push(']');
    } else projectTyped(raw, found, below, out);
  }
  out.push('}');
}

/** toTypedValueWithType: a value in a Resource element is typed by its resourceType. */
function projectTyped(value: unknown, type: string, read: Plan, out: string[]): void {
  project(value, type === 'Resource' && isResource(value) ? value.resourceType : type, read, out);
  out.push(' ');
}

const MAX_ENTRIES = 4096;
/** After this many look-ups, a memo that hits less than a quarter of the time is given up (values all differ). */
const TRIAL = 64;

interface Memo {
  readonly context: Plan;
  readonly resource: Plan | null;
  readonly rootResource: Plan | null;
  readonly verdicts: Map<string, boolean>;
  lookups: number;
  hits: number;
}

const memos = new WeakMap<Atom, Memo | null>();
const stats = { hits: 0, misses: 0, unsummarised: 0, direct: 0 };

/** Counts since the process started, for tests and benchmarks. */
export function invariantMemoStats(): Readonly<typeof stats> {
  return { ...stats };
}

function memoOf(atom: Atom): Memo | null {
  let memo = memos.get(atom);
  if (memo === undefined) {
    const reads = readsOf(atom);
    memo = reads && {
      context: planOf(reads.context),
      resource: reads.resource && planOf(reads.resource),
      rootResource: reads.rootResource && planOf(reads.rootResource),
      verdicts: new Map(),
      lookups: 0,
      hits: 0,
    };
    memos.set(atom, memo);
  }
  return memo;
}

/**
 * medplum's verdict `evaluate()` for `atom` on `context` with these variables, from the memo when a value with the same
 * projection was evaluated before.
 */
export function rememberedVerdict(
  atom: Atom,
  context: TypedValue,
  resource: TypedValue,
  rootResource: TypedValue,
  evaluate: (atom: Atom, context: TypedValue, resource: TypedValue, rootResource: TypedValue) => boolean,
): boolean {
  const memo = memoOf(atom);
  if (!memo || (memo.lookups >= TRIAL && memo.hits * 4 < memo.lookups)) {
    stats.direct++;
    return evaluate(atom, context, resource, rootResource);
  }
  memo.lookups++;
  const out = [context.type, '|'];
  try {
    project(context.value, context.type, memo.context, out);
    if (memo.resource) {
      out.push('|', resource.type, '|');
      project(resource.value, resource.type, memo.resource, out);
    }
    if (memo.rootResource) {
      out.push('|', rootResource.type, '|');
      project(rootResource.value, rootResource.type, memo.rootResource, out);
    }
  } catch (error) {
    if (!(error instanceof Unsummarised)) throw error;
    stats.unsummarised++;
    return evaluate(atom, context, resource, rootResource);
  }
  const key = out.join('');
  const known = memo.verdicts.get(key);
  if (known !== undefined) {
    memo.hits++;
    stats.hits++;
    return known;
  }
  stats.misses++;
  const verdict = evaluate(atom, context, resource, rootResource);
  if (memo.verdicts.size >= MAX_ENTRIES) memo.verdicts.clear();
  memo.verdicts.set(key, verdict);
  return verdict;
}

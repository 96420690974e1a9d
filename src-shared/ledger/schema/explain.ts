// Words a schema failure the way the reference does: python-jsonschema 3.2 (draft-04) `best_match(...).message`
// (docs/PROTOCOL.md §4.2). A small interpreter of the keywords the v2.0 schemas use, walking them in the same order as
// jsonschema's iter_errors, so the same error wins. It runs only after the generated validator has said "invalid",
// just as the reference uses a fast validator first and jsonschema only for the message.
import { pyRepr } from '../python-text';
import type { JsonSchema } from './json-schema';

interface SchemaError {
  message: string;
  /** length of the instance path relative to where the error's parent started */
  depth: number;
  weak: boolean;
  context: SchemaError[];
}

const patterns = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(pattern, 'u')));
  return re;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return true;
  }
}

function resolve(ref: string, root: JsonSchema): JsonSchema {
  const name = ref.replace(/^#\/definitions\//, '');
  const target = root.definitions?.[name];
  if (!target) throw new Error(`unresolvable $ref ${ref}`);
  return target;
}

function descend(errors: SchemaError[], into: SchemaError[]): void {
  for (const e of errors) into.push({ ...e, depth: e.depth + 1 });
}

function iterErrors(value: unknown, schema: JsonSchema, root: JsonSchema): SchemaError[] {
  if (schema.$ref !== undefined) return iterErrors(value, resolve(schema.$ref, root), root);
  const out: SchemaError[] = [];
  const err = (message: string, weak = false, context: SchemaError[] = []) =>
    out.push({ message, depth: 0, weak, context });
  for (const keyword of Object.keys(schema) as (keyof JsonSchema)[]) {
    switch (keyword) {
      case 'type': {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type as string];
        if (!types.some((t) => isType(value, t)))
          err(`${pyRepr(value)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`);
        break;
      }
      case 'enum':
        if (!schema.enum!.some((e) => e === value)) err(`${pyRepr(value)} is not one of ${pyRepr(schema.enum)}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !regex(schema.pattern!).test(value))
          err(`${pyRepr(value)} does not match ${pyRepr(schema.pattern)}`);
        break;
      case 'minimum':
        if (typeof value === 'number' && value < schema.minimum!)
          err(`${pyRepr(value)} is less than the minimum of ${pyRepr(schema.minimum)}`);
        break;
      case 'maximum':
        if (typeof value === 'number' && value > schema.maximum!)
          err(`${pyRepr(value)} is greater than the maximum of ${pyRepr(schema.maximum)}`);
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < schema.minItems!) err(`${pyRepr(value)} is too short`);
        break;
      case 'maxItems':
        if (Array.isArray(value) && value.length > schema.maxItems!) err(`${pyRepr(value)} is too long`);
        break;
      case 'minProperties':
        if (isObject(value) && Object.keys(value).length < schema.minProperties!)
          err(`${pyRepr(value)} does not have enough properties`);
        break;
      case 'required':
        if (isObject(value))
          for (const name of schema.required!) if (!(name in value)) err(`${pyRepr(name)} is a required property`);
        break;
      case 'properties':
        if (isObject(value)) {
          for (const [name, sub] of Object.entries(schema.properties!)) {
            if (name in value) descend(iterErrors(value[name], sub, root), out);
          }
        }
        break;
      case 'additionalProperties':
        if (isObject(value) && schema.additionalProperties === false) {
          const extras = Object.keys(value).filter((k) => !(schema.properties && k in schema.properties));
          if (extras.length > 0) {
            err(
              `Additional properties are not allowed (${extras.map((e) => pyRepr(e)).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`,
            );
          }
        }
        break;
      case 'items':
        if (Array.isArray(value)) for (const item of value) descend(iterErrors(item, schema.items!, root), out);
        break;
      case 'anyOf': {
        const all: SchemaError[] = [];
        let matched = false;
        for (const sub of schema.anyOf!) {
          const errs = iterErrors(value, sub, root);
          if (errs.length === 0) {
            matched = true;
            break;
          }
          all.push(...errs);
        }
        if (!matched) err(`${pyRepr(value)} is not valid under any of the given schemas`, true, all);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

// jsonschema's relevance: shallower errors first, then strong (non-anyOf) ones. max/min keep the first of equals.
function better(a: SchemaError, b: SchemaError): boolean {
  if (a.depth !== b.depth) return a.depth < b.depth;
  return !a.weak && b.weak;
}

/** The reference's message for why `value` fails `schema`; null when it does not fail. */
export function explainSchemaError(value: unknown, schema: JsonSchema): string | null {
  const errors = iterErrors(value, schema, schema);
  let best = errors[0];
  if (!best) return null;
  for (const e of errors) if (better(e, best)) best = e;
  while (best.context.length > 0) {
    let pick = best.context[0] as SchemaError;
    for (const e of best.context) if (better(pick, e)) pick = e;
    best = pick;
  }
  return best.message;
}

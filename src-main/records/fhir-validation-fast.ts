// A fast first pass over FHIR input that can only say "valid": it answers true when @medplum/core's validateResource
// would report no error for `input`, and false when it is not sure, and then fhir-validation.ts asks medplum itself
// for the exact errors. It runs medplum's own checks from medplum's own parsed definitions (getDataType) and evaluates
// the same FHIRPath invariants with medplum's evaluator, but walks only the keys an object has, from a plan made once
// per type, where medplum's crawler looks up every element a type defines, present or not, building a path for each
// (~1.4 ms of CPU a 7-resource bundle before, most of it in that walk; ~0.3 ms with this pass; docs/DESIGN.md, FHIR).
//
// It mirrors ResourceValidator (@medplum/core 4.5.2, src/typeschema/validation.ts) for input it understands fully, and
// declines (false) anything else: null or empty values, primitive extensions ("_birthDate"), an element sliced or
// fixed by its definition, two values for one choice element, "resourceType" on a non-resource, an unknown key or
// type. Declining costs time, never a verdict. fhir-validation-fast.test.ts holds it to medplum's answers.
import {
  capitalize,
  evalFhirPathTyped,
  fhirTypeToJsType,
  isPrimitiveType,
  parseFhirPath,
  toTypedValue,
  tryGetDataType,
  UCUM,
  validationRegexes,
} from '@medplum/core';
import type { InternalSchemaElement, InternalTypeSchema, TypedValue } from '@medplum/core';
import { rememberedVerdict } from './fhir-invariant-memo';

/** Invariants medplum never checks (validation.ts' skippedConstraintKeys, not exported). */
const SKIPPED_CONSTRAINTS = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);
const MAX_STRING = 1024 * 1024;
const INTEGER_TYPES = new Set(['integer', 'positiveInt', 'unsignedInt']);

type Atom = ReturnType<typeof parseFhirPath>;

/** How one key of an object is checked: the element it fills and the type its value has. */
interface KeyPlan {
  readonly element: InternalSchemaElement;
  /** The type medplum gives the value (getTypedPropertyValueWithSchema); 'Resource' is resolved per value. */
  readonly type: string;
  readonly primitive: boolean;
  /** For a choice element ("value[x]"): its name, so that two of its keys in one object are declined. */
  readonly choice: string | null;
  /** The element's invariants medplum evaluates (severity error, not skipped), parsed once. */
  readonly invariants: readonly Atom[];
}

interface TypePlan {
  readonly keys: ReadonlyMap<string, KeyPlan>;
  /** For each required element (min > 0), the keys any one of which fills it. */
  readonly required: readonly (readonly string[])[];
  readonly hasChoices: boolean;
  /** The type's own invariants, which medplum checks on the value validated (the root) only. */
  readonly rootInvariants: readonly Atom[];
}

const plans = new WeakMap<InternalTypeSchema, TypePlan>();
const atoms = new Map<string, Atom>();

function invariantsOf(constraints: InternalSchemaElement['constraints']): Atom[] {
  const out: Atom[] = [];
  for (const c of constraints ?? []) {
    if (c.severity !== 'error' || SKIPPED_CONSTRAINTS.has(c.key)) continue;
    let atom = atoms.get(c.expression);
    if (!atom) {
      atom = parseFhirPath(c.expression);
      atoms.set(c.expression, atom);
    }
    out.push(atom);
  }
  return out;
}

/** Whether medplum reads `key` of an object as exactly `element` and nothing else could: otherwise it is declined. */
function plainElement(key: string, element: InternalSchemaElement): boolean {
  const last = element.path.slice(element.path.lastIndexOf('.') + 1);
  return (
    last === key &&
    !key.includes('.') &&
    element.type.length > 0 &&
    !element.slicing &&
    element.pattern === undefined &&
    element.fixed === undefined
  );
}

function planFor(schema: InternalTypeSchema): TypePlan {
  let plan = plans.get(schema);
  if (plan) return plan;
  const keys = new Map<string, KeyPlan>();
  const ambiguous = new Set<string>();
  const required: string[][] = [];
  let hasChoices = false;
  const add = (key: string, kp: KeyPlan) => {
    if (keys.has(key) || key in schema.elements !== (kp.choice === null)) ambiguous.add(key);
    else keys.set(key, kp);
  };
  for (const [name, element] of Object.entries(schema.elements)) {
    const choice = name.endsWith('[x]');
    const stem = choice ? name.slice(0, -3) : name;
    const candidates = choice ? element.type.map((t) => stem + capitalize(t.code)) : [name];
    if (element.min > 0) required.push(candidates);
    if (!plainElement(name, element)) {
      for (const c of candidates) ambiguous.add(c);
      continue;
    }
    const invariants = invariantsOf(element.constraints);
    hasChoices ||= choice;
    // medplum takes the first type whose key is present (a plain element has one key: its first type wins); an
    // Element/BackboneElement code stands for type[0] (getTypedPropertyValueWithSchema).
    const taken = new Set<string>();
    element.type.forEach((t, i) => {
      const key = candidates[choice ? i : 0]!;
      if (taken.has(key)) return;
      taken.add(key);
      const type = t.code === 'Element' || t.code === 'BackboneElement' ? element.type[0]!.code : t.code;
      add(key, { element, type, primitive: isPrimitiveType(type), choice: choice ? name : null, invariants });
    });
  }
  for (const key of ambiguous) keys.delete(key);
  plan = { keys, required, hasChoices, rootInvariants: invariantsOf(schema.constraints) };
  plans.set(schema, plan);
  return plan;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const ucum = toTypedValue(UCUM);

/** validation.ts isExpressionTrue: the invariant evaluates to exactly [true], with medplum's variables. */
function isExpressionTrue(atom: Atom, value: TypedValue, resource: TypedValue, root: TypedValue): boolean {
  const variables: Record<string, TypedValue> = {
    '%context': value,
    '%ucum': ucum,
    '%resource': resource,
    '%rootResource': root,
  };
  let result: TypedValue[];
  try {
    result = evalFhirPathTyped(atom, [value], variables);
  } catch {
    return false;
  }
  return result.length === 1 && result[0]!.value === true;
}

class FastCheck {
  constructor(private readonly root: TypedValue) {}

  /** toTypedValue(resource) for %resource, made once per resource (a bundle's entries each have theirs). */
  private typedResource(resource: object): TypedValue {
    if (resource === this.root.value) return this.root;
    if (resource !== this.lastResource?.value) this.lastResource = toTypedValue(resource);
    return this.lastResource;
  }

  private lastResource: TypedValue | null = null;

  /**
   * validation.ts isExpressionTrue: every invariant evaluates to exactly [true], with medplum's variables; medplum's
   * verdict is remembered by what the expression reads of the value (fhir-invariant-memo.ts).
   */
  private invariantsHold(invariants: readonly Atom[], value: TypedValue, resource: object): boolean {
    if (invariants.length === 0) return true;
    const typedResource = this.typedResource(resource);
    for (const atom of invariants) {
      if (!rememberedVerdict(atom, value, typedResource, this.root, isExpressionTrue)) return false;
    }
    return true;
  }

  /** validation.ts validatePrimitiveType, validateString, validateNumber, for a value that is not an object. */
  private primitiveOk(type: string, value: unknown): boolean {
    const expected = (fhirTypeToJsType as Record<string, string>)[type];
    if (expected === undefined || typeof value !== expected) return false;
    if (expected === 'string') {
      const str = value as string;
      if (!str.trim() || str.length > MAX_STRING) return false;
      const regex = validationRegexes[type];
      return !regex || regex.exec(str) !== null;
    }
    if (expected === 'number') {
      const n = value as number;
      if (!Number.isFinite(n)) return false;
      if (INTEGER_TYPES.has(type) && !Number.isInteger(n)) return false;
      if (type === 'positiveInt' && n <= 0) return false;
      if (type === 'unsignedInt' && n < 0) return false;
    }
    return true;
  }

  /** crawlObject + visitProperty + checkAdditionalProperties for one object of `schema`'s type. */
  object(obj: Record<string, unknown>, schema: InternalTypeSchema, resource: object): boolean {
    const plan = planFor(schema);
    const choices = plan.hasChoices ? new Set<string>() : null;
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) return false;
      if (key === 'resourceType') continue;
      const kp = plan.keys.get(key);
      if (!kp) return false;
      if (kp.choice !== null) {
        if (choices!.has(kp.choice)) return false;
        choices!.add(kp.choice);
      }
      const raw = obj[key];
      const isArray = Array.isArray(raw);
      if (isArray !== (kp.element.isArray ?? false)) return false;
      const values = isArray ? (raw as unknown[]) : [raw];
      const n = values.length;
      if (n === 0 || n < kp.element.min || n > kp.element.max) return false;
      for (const value of values) if (!this.value(kp, value, resource)) return false;
    }
    for (const candidates of plan.required) {
      if (!candidates.some((c) => Object.hasOwn(obj, c))) return false;
    }
    return true;
  }

  private value(kp: KeyPlan, value: unknown, resource: object): boolean {
    if (kp.primitive) {
      if (typeof value === 'object' || value === '') return false;
      if (!this.invariantsHold(kp.invariants, { type: kp.type, value }, resource)) return false;
      return this.primitiveOk(kp.type, value);
    }
    if (!isPlainObject(value)) return false;
    let type = kp.type;
    let inner = resource;
    if ('resourceType' in value) {
      // Only where a resource may stand: anywhere else medplum would take the object for one (isResource).
      if (type !== 'Resource' || typeof value.resourceType !== 'string') return false;
      type = value.resourceType;
      inner = value;
    } else if (type === 'Resource') return false;
    // Constraints on the element see the enclosing resource; the value's own properties see the value (onEnterResource).
    if (!this.invariantsHold(kp.invariants, { type, value }, resource)) return false;
    const schema = tryGetDataType(type);
    if (!schema || Object.keys(value).length === 0) return false;
    return this.object(value, schema, inner);
  }

  rootOk(resource: Record<string, unknown>, schema: InternalTypeSchema): boolean {
    return (
      this.invariantsHold(planFor(schema).rootInvariants, this.root, resource) &&
      this.object(resource, schema, resource)
    );
  }
}

/**
 * True only when @medplum/core's validateResource(input) would find no error; false when that is not certain (the
 * caller then runs validateResource). The definitions of every type in `input` must be indexed first.
 */
export function surelyValidFhir(input: unknown): boolean {
  if (!isPlainObject(input) || typeof input.resourceType !== 'string') return false;
  const schema = tryGetDataType(input.resourceType);
  const root = toTypedValue(input);
  // toTypedValue types a resource with a numeric "value" as a Quantity, and medplum then validates it as one.
  if (!schema || root.type !== input.resourceType) return false;
  return new FastCheck(root).rootOk(input, schema);
}

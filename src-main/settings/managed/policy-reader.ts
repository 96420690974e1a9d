// The one place where a platform's raw policy becomes settings: every scope is checked against the settings schema,
// any problem in any scope rejects the whole policy (the service then keeps the last good one), and the scopes are
// merged, a higher-precedence scope (machine) winning over a lower one (user).
import type { ManagedReadResult, ManagedSettingsReader, ManagedSettingsSource, RawScope } from './reader';
import { parsePartialSettings } from '../settings';
import type { PartialSettings } from '../settings';

export type ScopeCheck = { ok: true; values: PartialSettings } | { ok: false; reason: string };

/** Checks one scope's values; the platform's own `problems` come first in the reason. */
export function checkScopeValues(values: unknown, problems: readonly string[] = []): ScopeCheck {
  const parsed = parsePartialSettings(values);
  const all = parsed.ok ? [...problems] : [...problems, parsed.reason];
  return all.length > 0 ? { ok: false, reason: all.join('; ') } : parsed;
}

/** Raw scopes (lowest precedence first) to the result the settings service takes. */
export function settleScopes(source: string, scopes: readonly RawScope[]): ManagedReadResult {
  const rejected: string[] = [];
  const checked: PartialSettings[] = [];
  // Highest precedence first, so the reason names the machine policy before the user's.
  for (const scope of [...scopes].reverse()) {
    if (scope.status === 'unreadable') rejected.push(scope.reason);
    if (scope.status !== 'present') continue;
    const check = checkScopeValues(scope.values, scope.problems);
    if (check.ok) checked.unshift(check.values);
    else rejected.push(`${scope.location}: ${check.reason}`);
  }
  if (rejected.length > 0) return { status: 'rejected', source, reason: rejected.join('; ') };
  if (checked.length === 0) return { status: 'absent', source };
  return { status: 'ok', source, values: Object.assign({}, ...checked) as PartialSettings };
}

export class ManagedPolicyReader implements ManagedSettingsReader {
  constructor(private readonly source: ManagedSettingsSource) {}

  get description(): string {
    return this.source.description;
  }

  async read(): Promise<ManagedReadResult> {
    return settleScopes(this.source.description, await this.source.read());
  }

  watch(onChange: () => void): () => void {
    return this.source.watch(onChange);
  }
}

// Naming the officers who signed a quorum file. The IT desk and the CLI's `hospital sign` both show names beside the
// keys: a name is a courtesy for the officer reading the screen, never a check (the signatures are the check).
import type { PartialTransaction } from './partial-signing';
import { AUTHORITY_TYPE } from './model';

/** The officer list a ceremony file carries (the authority's own CREATE); null for any other act. */
export function ceremonyOfficers(partial: PartialTransaction): unknown {
  const data = (partial.unsigned.asset as { data?: { type?: unknown; officers?: unknown } } | null)?.data;
  return partial.unsigned.operation === 'CREATE' && data?.type === AUTHORITY_TYPE ? data.officers : null;
}

/**
 * Names by directory sign key from officer lists, earlier lists first: a key named twice keeps its first name, so a
 * source the caller trusts more (the file itself, the pinned authority) is never renamed by a later one (a keychain).
 * Entries that are not `{ name, signKey }` strings are skipped: the lists come from files and nodes.
 */
export function officerNameMap(...lists: unknown[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const officers of lists)
    if (Array.isArray(officers))
      for (const o of officers as ({ name?: unknown; signKey?: unknown } | null)[])
        if (typeof o?.name === 'string' && typeof o.signKey === 'string' && !names.has(o.signKey))
          names.set(o.signKey, o.name);
  return names;
}

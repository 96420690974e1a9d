// The parts of a (validated) BigchainDB v2.0 transaction the node's storage and indexes read. Declared here, not
// imported from the transaction core, so storage depends only on the wire shape (docs/PROTOCOL.md §1), which is fixed.
export interface TxFulfills {
  readonly transaction_id: string;
  readonly output_index: number;
}

export interface TxShape {
  readonly id: string;
  readonly operation: string;
  readonly asset: { readonly id?: string; readonly data?: unknown };
  readonly metadata: unknown;
  readonly inputs: readonly { readonly fulfills: TxFulfills | null }[];
  readonly outputs: readonly {
    readonly public_keys?: unknown;
    readonly condition: { readonly details: unknown };
    readonly amount: string;
  }[];
}

/** The asset id of a transaction: a CREATE's own id, a TRANSFER's `asset.id` (docs/PROTOCOL.md §1.2). */
export function assetIdOf(tx: TxShape): string {
  return tx.operation === 'CREATE' ? tx.id : String(tx.asset.id);
}

/** Every Ed25519 public key named in a condition's details, through nested thresholds. */
export function detailsKeys(details: unknown, into: Set<string> = new Set()): Set<string> {
  if (details === null || typeof details !== 'object') return into;
  const node = details as { type?: unknown; public_key?: unknown; subconditions?: unknown };
  if (node.type === 'ed25519-sha-256' && typeof node.public_key === 'string') into.add(node.public_key);
  if (Array.isArray(node.subconditions)) for (const sub of node.subconditions) detailsKeys(sub, into);
  return into;
}

/**
 * The owners an output is listed under by `/outputs` (docs/PROTOCOL.md §5.6): keys that are both in `public_keys` and
 * in the condition's details.
 */
export function outputOwners(output: TxShape['outputs'][number]): string[] {
  const inDetails = detailsKeys(output.condition.details);
  const listed = Array.isArray(output.public_keys) ? output.public_keys : [];
  const owners = new Set<string>();
  for (const key of listed) if (typeof key === 'string' && inDetails.has(key)) owners.add(key);
  return [...owners];
}

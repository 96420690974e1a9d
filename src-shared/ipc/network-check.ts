// The result of checking a configured ledger network (channel network.check, and `npm run cli -- network check
// --json`): does every node answer, are they on one chain and at about the same height, does each advertised event
// stream open. `text` is the same result as a plain-text report for IT to paste into a ticket.
import { z } from 'zod';

export const networkNodeCheckSchema = z.object({
  url: z.string(),
  reachable: z.boolean(),
  /** BigchainDB version from the node's root document. */
  version: z.string().nullable(),
  latencyMs: z.number().nullable(),
  /** Latest block height, found over the HTTP API. */
  height: z.number().int().min(0).nullable(),
  /** Label of the chain group the node belongs to ("A", "B", …); null when it could not be compared. */
  chain: z.string().nullable(),
  /** The event-stream URL the node advertises. */
  streamUrl: z.string().nullable(),
  /** Whether that WebSocket opened; null when it was not tried. */
  streamOpens: z.boolean().nullable(),
  /** Why the node, its chain data or its stream failed, in plain words. */
  error: z.string().nullable(),
});
export type NetworkNodeCheck = z.infer<typeof networkNodeCheckSchema>;

export const networkCheckSchema = z.object({
  checkedAt: z.string(),
  verdict: z.enum(['ok', 'warning', 'failed']),
  summary: z.string(),
  nodes: z.array(networkNodeCheckSchema),
  chains: z.array(z.object({ label: z.string(), validators: z.string(), nodes: z.array(z.number().int().min(1)) })),
  problems: z.array(z.object({ severity: z.enum(['warning', 'failed']), message: z.string() })),
  notes: z.array(z.string()),
  text: z.string(),
});
export type NetworkCheck = z.infer<typeof networkCheckSchema>;

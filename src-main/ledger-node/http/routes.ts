// The HTTP API v1 endpoints (docs/PROTOCOL.md §5.1–§5.11). Handlers read committed state only, as the reference does.
import type { Committer, SubmitMode } from '../commit/committer';
import { runSearch, type SearchKind } from '../search/run-search';
import { searchDocumentOf } from '../store/block-postings';
import { ByteWriter } from '../store/byte-writer';
import type { LedgerStore } from '../store/ledger-store';
import {
  anyString,
  parseQueryArgs,
  validBool,
  validEd25519,
  validLimit,
  validMode,
  validOperation,
  validTxid,
} from './query-args';
import { memberRange } from './json-members';
import { errorReply, jsonReply, notFound, type Reply } from './reply';
import { STREAM_PATH } from './event-stream';

export interface RouteContext {
  readonly store: LedgerStore;
  readonly committer: Committer;
  /** `host:port` the client reached us at, for the advertised stream URL. */
  readonly advertisedHost: string;
}

const DOCS = 'https://docs.bigchaindb.com/projects/server/en/v2.2.2/';
const VERSION = '2.2.2';

function apiLinks(prefix: string, advertisedHost: string) {
  return {
    docs: `${DOCS}http-client-server-api.html`,
    transactions: `${prefix}/transactions/`,
    blocks: `${prefix}/blocks/`,
    assets: `${prefix}/assets/`,
    outputs: `${prefix}/outputs/`,
    streams: `ws://${advertisedHost}${STREAM_PATH}`,
    metadata: `${prefix}/metadata/`,
    validators: `${prefix}/validators`,
  };
}

export function rootInfo(ctx: RouteContext): Reply {
  return jsonReply(200, {
    api: { v1: apiLinks('/api/v1', ctx.advertisedHost) },
    docs: DOCS,
    software: 'BigchainDB',
    version: VERSION,
  });
}

export function apiV1Info(ctx: RouteContext): Reply {
  return jsonReply(200, apiLinks('', ctx.advertisedHost));
}

/**
 * The stored transactions as a JSON array, copied byte for byte from the store: no decoding to a string and encoding
 * back for the reply (a cold list asks for each chart's transactions, one request a chart). A missing one is `null`.
 */
function storedJsonArray(store: LedgerStore, ids: readonly string[]): Buffer {
  const only = ids.length === 1 ? store.getJsonBytes(ids[0]!) : undefined;
  if (only) {
    // The common answer (a chart of one version, `last_tx`), sized exactly.
    const out = Buffer.allocUnsafe(only.length + 2);
    out[0] = 0x5b; // [
    only.copy(out, 1);
    out[only.length + 1] = 0x5d; // ]
    return out;
  }
  let out: ByteWriter | undefined;
  for (let i = 0; i < ids.length; i++) {
    // Valid until the next read from the store: copied before it.
    const json = store.getJsonBytes(ids[i]!);
    // Sized by the first transaction with a quarter more (a chart's versions are padded to a few sizes, a TRANSFER a
    // little larger than its CREATE): the fixed 64 KB buffer it replaced cost an allocation outside V8's pool and
    // its garbage collection per request. The writer grows if need be.
    if (!out) {
      const each = json?.length ?? 4;
      out = new ByteWriter(ids.length * (each + (each >> 2) + 1) + 2);
    }
    out.utf8(i > 0 ? ',' : '[');
    if (json) out.copy(json, 0, json.length);
    else out.utf8('null');
  }
  if (!out) return Buffer.from('[]');
  out.utf8(']');
  return out.written();
}

export function getTransaction(ctx: RouteContext, id: string): Reply {
  const json = ctx.store.getJsonBytes(id);
  // A copy: the store's bytes are valid only until its next read, and the reply may be written later.
  return json === undefined ? notFound() : { status: 200, body: Buffer.from(json) };
}

export function listTransactions(ctx: RouteContext, query: URLSearchParams): Reply {
  const parsed = parseQueryArgs(query, {
    operation: { parse: validOperation },
    asset_id: { parse: validTxid, required: true },
    last_tx: { parse: validBool },
  });
  if (!parsed.ok) return parsed.reply;
  const { operation, asset_id: assetId, last_tx: lastTx } = parsed.args;
  const id = assetId as string;
  let ids: string[];
  if (lastTx) {
    const last = ctx.store.lastAssetTransactionId(id, operation);
    ids = last === undefined ? [] : [last];
  } else {
    ids = ctx.store.assetTransactionIds(id);
    if (operation) ids = ids.filter((txId) => (operation === 'CREATE') === (txId === id));
  }
  return { status: 200, body: storedJsonArray(ctx.store, ids) };
}

export async function postTransaction(ctx: RouteContext, query: URLSearchParams, body: unknown): Promise<Reply> {
  const outcome = await ctx.committer.submit(body, modeOf(query));
  switch (outcome.kind) {
    case 'accepted':
      return { status: 202, body: outcome.json };
    case 'rejected':
      return errorReply(
        400,
        outcome.error.type === 'SchemaValidationError'
          ? `Invalid transaction schema: ${outcome.error.message}`
          : `Invalid transaction (${outcome.error.type}): ${outcome.error.message}`,
      );
    case 'pending-duplicate':
      return errorReply(400, 'Internal error - Tx already exists in cache');
    case 'unavailable':
      return errorReply(503, outcome.message);
  }
}

/** The mode argument is checked before the body is read (docs/PROTOCOL.md §4.1); see `checkMode`. */
function modeOf(query: URLSearchParams): SubmitMode {
  const raw = query.get('mode');
  return raw === 'sync' || raw === 'commit' ? raw : 'async';
}

export function checkMode(query: URLSearchParams): Reply | null {
  const parsed = parseQueryArgs(query, { mode: { parse: validMode } });
  return parsed.ok ? null : parsed.reply;
}

export function listOutputs(ctx: RouteContext, query: URLSearchParams): Reply {
  const parsed = parseQueryArgs(
    query,
    { public_key: { parse: validEd25519, required: true }, spent: { parse: validBool } },
    { strict: true },
  );
  if (!parsed.ok) return parsed.reply;
  return { status: 200, body: outputsJson(ctx.store.outputsOf(parsed.args.public_key as string, parsed.args.spent)) };
}

/** JSON.stringify's text of the outputs, written without walking the objects generically (one request a v3 head). */
export function outputsJson(outputs: readonly { transaction_id: string; output_index: number }[]): string {
  let text = '[';
  for (let i = 0; i < outputs.length; i++) {
    const { transaction_id: txId, output_index: index } = outputs[i]!;
    text += `${i > 0 ? ',' : ''}{"transaction_id":${JSON.stringify(txId)},"output_index":${JSON.stringify(index)}}`;
  }
  return `${text}]`;
}

export function textSearch(ctx: RouteContext, kind: SearchKind, query: URLSearchParams): Reply {
  const parsed = parseQueryArgs(query, { search: { parse: anyString, required: true }, limit: { parse: validLimit } });
  if (!parsed.ok) return parsed.reply;
  const search = parsed.args.search as string;
  if (!search) return errorReply(400, 'text_search cannot be empty');
  const { store } = ctx;
  const source = {
    termPostings: (k: SearchKind, term: string) => store.termPostings(k, term),
    searchDocument: (k: SearchKind, seq: number) => {
      const id = store.idAt(seq);
      const tx = id === undefined ? undefined : store.getTx(id);
      return tx ? searchDocumentOf(k, tx) : null;
    },
  };
  const seqs = runSearch(source, kind, search, parsed.args.limit ?? 0);
  return { status: 200, body: searchDocumentsJson(store, kind, seqs) };
}

/**
 * The reference's `assets` and `metadata` documents (docs/PROTOCOL.md §6) as a JSON array, written as JSON.stringify
 * would write `{data, id}` and `{id, metadata}`, copied from the stored bytes.
 */
function searchDocumentsJson(store: LedgerStore, kind: SearchKind, seqs: readonly number[]): Buffer {
  const out = new ByteWriter(64 * 1024);
  out.utf8('[');
  seqs.forEach((seq, i) => {
    if (i > 0) out.utf8(',');
    const id = store.idAt(seq);
    // Valid until the next read from the store: used up before it.
    const json = id === undefined ? undefined : store.getJsonBytes(id);
    if (id === undefined || json === undefined) {
      out.utf8('null');
      return;
    }
    if (kind === 'metadata') {
      out.utf8(`{"id":${JSON.stringify(id)},"metadata":`);
      const metadata = memberRange(json, 'metadata');
      if (metadata) out.copy(json, metadata[0], metadata[1]);
      else out.utf8('null');
      out.utf8('}');
    } else {
      out.utf8('{"data":');
      const asset = memberRange(json, 'asset');
      const data = asset && memberRange(json, 'data', asset[0], asset[1]);
      if (data) out.copy(json, data[0], data[1]);
      else out.utf8('null');
      out.utf8(`,"id":${JSON.stringify(id)}}`);
    }
  });
  out.utf8(']');
  return out.written();
}

export function listBlocks(ctx: RouteContext, query: URLSearchParams): Reply {
  const parsed = parseQueryArgs(query, { transaction_id: { parse: anyString, required: true } }, { strict: true });
  if (!parsed.ok) return parsed.reply;
  const height = ctx.store.heightOf(parsed.args.transaction_id as string);
  return jsonReply(200, height === undefined ? [] : [height]);
}

/** `digits` is the path segment, already known to be decimal digits. */
export function getBlock(ctx: RouteContext, digits: string): Reply {
  const latest = ctx.store.latestHeight;
  // Compare as BigInt: the segment may be longer than any JS number (the reference crashes there; we answer 404).
  if (BigInt(digits) > BigInt(latest)) return notFound();
  const height = Number(digits);
  const transactions = storedJsonArray(ctx.store, ctx.store.blockIds(height) ?? []);
  return {
    status: 200,
    body: Buffer.concat([Buffer.from(`{"height":${height},"transactions":`), transactions, Buffer.from('}')]),
  };
}

export function listValidators(ctx: RouteContext): Reply {
  return jsonReply(200, [{ public_key: { type: 'ed25519-base64', value: ctx.store.validatorKey }, voting_power: 10 }]);
}

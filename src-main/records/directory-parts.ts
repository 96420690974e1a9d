// The practitioner directory and the pinned authority it checks entries against: the part of the chart service's parts
// (chart-parts.ts) a directory search needs. The CLI's `practitioners` opens only this, so it neither loads nor opens
// the outbox (lmdb) or the verification pool before its first request (start-up: docs/BENCHMARKS.md).
import type { CryptoProvider } from '../../src-shared/ledger';
import type { AnswerValidator } from '../ledger/answer-validation';
import { LedgerNodeClient } from '../ledger/node-client';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { AuthorityTrust } from '../authority/trust';
import type { ChartServiceOptions } from './chart-parts';
import type { DirectoryEntry } from './model';
import { PractitionerDirectory } from './practitioners';

/** The authority trust and the directory over one node client, as the chart service holds them. */
export function directoryOver(
  client: LedgerNodeClient,
  crypto: CryptoProvider,
  authorityId: () => string = () => '',
  validator?: AnswerValidator,
): { authority: AuthorityTrust; directory: PractitionerDirectory } {
  const authority = new AuthorityTrust(client, {
    authorityId,
    crypto,
    secondOpinion: client,
    ...(validator ? { validator } : {}),
  });
  return { authority, directory: new PractitionerDirectory(client, crypto, authority) };
}

export interface DirectoryReader {
  /** As the chart service's searchPractitioners. */
  search(query: string): Promise<DirectoryEntry[]>;
  close(): void;
}

/** A directory search on its own node client, with the options the chart service would have been given. */
export function openDirectoryReader(
  options: Pick<ChartServiceOptions, 'nodeUrls' | 'client' | 'crypto' | 'authorityId'>,
): DirectoryReader {
  const client = new LedgerNodeClient({ nodeUrls: options.nodeUrls, ...options.client });
  const { directory } = directoryOver(client, options.crypto ?? nativeLedgerCrypto, options.authorityId);
  return { search: (query) => directory.search(query), close: () => client.close() };
}

// The service's index of the charts it can open (every version wrapped for the emergency key), so a request by
// patient identifiers can be matched: built from the ledger (a metadata search for the emergency boxKey, as a viewer's
// chart list is), kept in memory only, and brought up to date before each match by opening only versions not yet
// seen. A chart counts only when its CREATE was issued by a key the authority credentialed: a chart anyone could
// post with a made-up patient cannot capture (or block, as "ambiguous") a request.
import { ENVELOPE_TYPE, openEnvelope, parseEnvelope } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { CredentialRegistryView } from '../../src-shared/authority';
import { issuerOf, matchesQuery, type PatientIdentity, type PatientQuery } from '../../src-shared/emergency';
import { decodePayload } from '../../src-shared/records/payload';
import type { Answer, MetadataHit } from '../ledger/node-client';

export interface ChartIndexLedger {
  getTransaction(id: string): Promise<Answer<unknown | null>>;
  searchMetadata(text: string, limit?: number): Promise<Answer<MetadataHit[]>>;
}

interface Indexed {
  seq: number;
  version: string;
  patient: PatientIdentity;
}

export class ChartIndex {
  readonly #charts = new Map<string, Indexed>();
  /** Versions already read (opened or found unusable): never read twice. */
  readonly #seen = new Set<string>();
  /** Charts whose CREATE's issuer is credentialed (a credential, once given, vouches for the chart's creation). */
  readonly #vouched = new Map<string, true>();

  constructor(
    private readonly ledger: ChartIndexLedger,
    private readonly key: KeyHolder,
  ) {}

  get size(): number {
    return this.#charts.size;
  }

  /** Reads the versions listing the emergency key that were committed since the last refresh. */
  async refresh(registry: CredentialRegistryView): Promise<void> {
    const { value: hits } = await this.ledger.searchMetadata(this.key.boxKey);
    for (const hit of hits) {
      if (this.#seen.has(hit.id)) continue;
      this.#seen.add(hit.id);
      const meta = hit.metadata as { type?: unknown } | null;
      if (meta?.type !== ENVELOPE_TYPE) continue;
      try {
        // A chart not (yet) vouched for is read again next time: its author's credential may come later.
        if (!(await this.#read(hit.id, registry))) this.#seen.delete(hit.id);
      } catch {
        // A version that does not open or does not parse is no chart the service can serve: left out.
      }
    }
  }

  /** False when the chart is not vouched for (yet). */
  async #read(txId: string, registry: CredentialRegistryView): Promise<boolean> {
    const { value: raw } = await this.ledger.getTransaction(txId);
    const tx = raw as { id?: unknown; operation?: unknown; asset?: { id?: unknown }; metadata?: unknown } | null;
    if (!tx || tx.id !== txId) return true;
    const envelope = parseEnvelope(tx.metadata);
    const chart = tx.operation === 'CREATE' ? txId : tx.asset?.id;
    if (typeof chart !== 'string' || (envelope.chart !== undefined && envelope.chart !== chart)) return true;
    if (!(await this.#isVouched(chart, registry))) return false;
    const known = this.#charts.get(chart);
    if (known && known.seq >= envelope.seq) return true;
    const payload = decodePayload(await openEnvelope(envelope, this.key));
    const p = payload.chart.patient;
    this.#charts.set(chart, {
      seq: envelope.seq,
      version: txId,
      patient: { family: p.family, given: p.given, name: p.name, birthDate: p.birthDate },
    });
    return true;
  }

  async #isVouched(chart: string, registry: CredentialRegistryView): Promise<boolean> {
    if (this.#vouched.has(chart)) return true;
    const { value: create } = await this.ledger.getTransaction(chart);
    const issuer = (create as { operation?: unknown } | null)?.operation === 'CREATE' ? issuerOf(create) : null;
    const vouched = issuer !== null && registry.everCredentialed(issuer).status === 'valid';
    if (vouched) this.#vouched.set(chart, true);
    return vouched;
  }

  /** The charts whose patient matches (newest version the service could open). */
  match(query: PatientQuery): string[] {
    return [...this.#charts].filter(([, c]) => matchesQuery(c.patient, query)).map(([chart]) => chart);
  }
}

// Shared setup of the authority's chart tests: the real embedded node (with its bearer token), a 1-of-1 hospital
// authority posted by its officer, credentials issued and revoked by it, doctors in the real keychain, and the real
// chart service with the authority pinned (answers in the IPC contract's types).
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import {
  prepareCeremony,
  prepareIssue,
  prepareRevoke,
  postPartial,
  signPartial,
} from '../../../src-main/authority/hospital';
import { signAndPost } from '../../../src-main/authority/custody-acts';
import type { OfficerSigner } from '../../../src-shared/authority';
import { createChartService, type ChartService } from '../../../src-main/records/chart-service';
import type { ChartServiceOptions } from '../../../src-main/records/chart-parts';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { addSignatures } from '../../../src-shared/authority';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import { newSeed } from '../../../src-shared/crypto/keys';
import { signTransaction, type Transaction } from '../../../src-shared/ledger';
import { NODE_TOKEN, tempDir, testCards } from '../charts/harness';

export class Hospital {
  readonly officer = new SeedKeyHolder(newSeed());
  authorityId = '';

  constructor(readonly client: LedgerNodeClient) {}

  static async found(nodeUrl: string): Promise<Hospital> {
    const hospital = new Hospital(new LedgerNodeClient({ nodeUrls: [nodeUrl], bearerTokenFor: () => NODE_TOKEN }));
    const officers = [{ name: 'IT officer', signKey: hospital.officer.signKey, boxKey: hospital.officer.boxKey }];
    const { partial } = await prepareCeremony({ name: 'St Elsewhere', threshold: 1, officers });
    hospital.authorityId = (await postPartial(hospital.client, await addSignatures(partial, hospital.officer))).tx.id;
    return hospital;
  }

  /** Issues a credential to `who`; returns its id. */
  async credential(who: Pick<KeyHolder, 'signKey' | 'boxKey'>, name: string, specialty = 'Oncology'): Promise<string> {
    const authority = await new CredentialRegistry(this.client, this.authorityId).authority();
    const partial = prepareIssue(authority, {
      name,
      licence: `GMC-${who.signKey.slice(0, 8)}`,
      specialty,
      signKey: who.signKey,
      boxKey: who.boxKey,
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2099-01-01T00:00:00Z',
    });
    return (await postPartial(this.client, await addSignatures(partial, this.officer))).tx.id;
  }

  async revoke(credentialId: string): Promise<void> {
    const view = await new CredentialRegistry(this.client, this.authorityId).load();
    await postPartial(
      this.client,
      await addSignatures(prepareRevoke(view, credentialId, 'left the hospital'), this.officer),
    );
  }

  close(): void {
    this.client.close();
  }
}

/** A 1-of-1 authority on the node at `nodeUrl` that credentials `doctor`; returns the authority's id. */
export async function authorityCrediting(
  nodeUrl: string,
  doctor: { holder: Pick<KeyHolder, 'signKey' | 'boxKey'>; name: string; specialty: string },
): Promise<string> {
  const hospital = await Hospital.found(nodeUrl);
  try {
    await hospital.credential(doctor.holder, doctor.name, doctor.specialty);
    return hospital.authorityId;
  } finally {
    hospital.close();
  }
}

/** The chart service as the app builds it, with `authorityId` pinned. */
export async function pinnedService(
  nodeUrls: string[],
  authorityId: string,
  overrides: Partial<ChartServiceOptions> = {},
): Promise<ChartService> {
  return createChartService({
    nodeUrls,
    outboxDir: tempDir('outbox'),
    cards: testCards(),
    client: { readTimeoutMs: 1500, postTimeoutMs: 5000, quarantineMs: 300, bearerTokenFor: () => NODE_TOKEN },
    sender: { baseDelayMs: 100, maxDelayMs: 400, tickMs: 50 },
    verifyWorkers: 0,
    authorityId: () => authorityId,
    ...overrides,
  });
}

/**
 * A credential for `doctor` (valid from yesterday for a year, licence from its key) issued under the authority of
 * `registry`, signed by `signers` (at least the threshold).
 */
export async function credentialDoctor(
  client: LedgerNodeClient,
  registry: CredentialRegistry,
  doctor: { holder: Pick<KeyHolder, 'signKey' | 'boxKey'>; name: string; specialty: string },
  signers: readonly OfficerSigner[],
): Promise<void> {
  const view = await registry.load();
  const partial = prepareIssue(view.authority, {
    name: doctor.name,
    licence: `GMC-${doctor.holder.signKey.slice(0, 8)}`,
    specialty: doctor.specialty,
    signKey: doctor.holder.signKey,
    boxKey: doctor.holder.boxKey,
    validFrom: new Date(Date.now() - 86_400_000).toISOString(),
    validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
  });
  await signAndPost(client, partial, signers);
}

/** An m-of-n authority named `name` whose officers are `officers` (each named "Officer i"), signed by all of them and
 * posted; returns its id. */
export async function foundAuthority(
  client: LedgerNodeClient,
  name: string,
  threshold: number,
  officers: readonly KeyHolder[],
): Promise<string> {
  const { partial } = await prepareCeremony({
    name,
    threshold,
    officers: officers.map((o, i) => ({ name: `Officer ${i + 1}`, signKey: o.signKey, boxKey: o.boxKey })),
  });
  let signed = partial;
  for (const o of officers) signed = await signPartial(signed, o);
  return (await postPartial(client, signed)).tx.id;
}

/**
 * An attacker's copy of a chart's CREATE, committed: the asset's data (marked `copy`), `metadata` (the original's unless
 * given) and outputs copied, signed by a fresh key that is no credentialed doctor (anyone may post a CREATE). Its id.
 */
export async function postForgedCreate(
  client: LedgerNodeClient,
  create: Transaction,
  { copy = 1, metadata = create.metadata }: { copy?: number; metadata?: Transaction['metadata'] } = {},
): Promise<string> {
  const mallory = new SeedKeyHolder(newSeed());
  const forged = await signTransaction(
    {
      id: null,
      version: '2.0',
      operation: 'CREATE',
      asset: { data: { ...(create.asset as { data: Record<string, unknown> }).data, copy } },
      metadata,
      inputs: [
        {
          owners_before: [mallory.signKey],
          fulfills: null,
          fulfillment: { type: 'ed25519-sha-256', public_key: mallory.signKey },
        },
      ],
      outputs: create.outputs,
    },
    async (_k, m) => mallory.sign(m),
    { keys: [mallory.signKey] },
  );
  const { value } = await client.post(forged, 'commit');
  if (value !== 'committed') throw new Error(`The forged CREATE was not committed: ${String(value)}`);
  return forged.id!;
}

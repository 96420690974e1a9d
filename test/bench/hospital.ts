// The benchmark's hospital authority: a 1-of-1 quorum whose officer key is seeded here (no keychain), pinned in every
// benchmark session, and a credential for each benchmark doctor, so chart figures are measured with the credential
// checks on (docs/AUTHORITY.md §"Chart verification"). `--authority=off` measures without, for comparison.
import { randomBytes } from 'node:crypto';
import { CredentialRegistry } from '../../src-main/authority/credential-registry';
import { prepareCeremony, prepareIssue, postPartial } from '../../src-main/authority/hospital';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import type { LedgerNodeClient } from '../../src-main/ledger/node-client';
import { addSignatures } from '../../src-shared/authority';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';

export interface BenchHospital {
  /** The id to pin ('' with the authority off). */
  authorityId: string;
  /** Credentials a doctor (nothing with the authority off). */
  credential(doctor: Pick<KeyHolder, 'signKey' | 'boxKey'>): Promise<void>;
}

export async function benchHospital(client: LedgerNodeClient, on: boolean): Promise<BenchHospital> {
  if (!on) return { authorityId: '', credential: async () => undefined };
  const officer = new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);
  const officers = [{ name: 'Bench officer', signKey: officer.signKey, boxKey: officer.boxKey }];
  const { partial } = await prepareCeremony({ name: 'Bench hospital', threshold: 1, officers });
  const authorityId = (await postPartial(client, await addSignatures(partial, officer))).tx.id;
  const authority = await new CredentialRegistry(client, authorityId).authority();
  return {
    authorityId,
    async credential(doctor) {
      const issue = prepareIssue(authority, {
        name: 'Dr Bench',
        licence: `BENCH-${doctor.signKey.slice(0, 10)}`,
        specialty: 'General practice',
        signKey: doctor.signKey,
        boxKey: doctor.boxKey,
        validFrom: '2026-01-01T00:00:00Z',
        validUntil: '2099-01-01T00:00:00Z',
      });
      await postPartial(client, await addSignatures(issue, officer));
    },
  };
}

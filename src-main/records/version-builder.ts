// Builds and signs chart transactions. Signing happens in the caller's KeyHolder (the vault); this code only
// assembles: envelope sealed to the version's readers, CREATE or TRANSFER paying the chart to its custodian.
// Signatures are not re-verified here: the vault's signer is deterministic libsodium (tested against @noble), and a
// bad one would be refused by the node with its reason while the version waits in the outbox.
import { bytesToHex } from '@noble/hashes/utils.js';
import { sealEnvelope, type Envelope, type EnvelopeAction } from '../../src-shared/crypto/envelope';
import { signerFor, type KeyHolder } from '../../src-shared/crypto/keyholder';
import { custodyOutput, type CustodyPolicy } from '../../src-shared/authority/custody';
import {
  makeCreate,
  makeTransfer,
  signTransaction,
  type CryptoProvider,
  type JsonObject,
  type Transaction,
} from '../../src-shared/ledger';
import { encodePayload, type ChartPayload } from '../../src-shared/records/payload';
import { CHART_ASSET_TYPE } from '../ledger/chain';
import { sealTo } from '../crypto/sealed-box';
import { envelopeBox } from '../crypto/secretbox';
import { randomBytes } from '../crypto/sodium';

/**
 * Everyone who must be able to open a version: custodian, author (none for a quorum's custody move), patient, shared
 * doctors, and the hospital's recovery key when an authority is pinned.
 */
export function readersOf(payload: ChartPayload, authorBoxKey: string | null): string[] {
  return [
    ...new Set([
      payload.custodian.boxKey,
      ...(authorBoxKey ? [authorBoxKey] : []),
      ...(payload.patient ? [payload.patient.boxKey] : []),
      ...payload.doctors.map((d) => d.boxKey),
      ...(payload.recovery ? [payload.recovery.boxKey] : []),
      ...(payload.emergency ? [payload.emergency.boxKey] : []),
    ]),
  ];
}

/**
 * The payload under `custody`: the recovery key and the published emergency key named (and wrapped to), or dropped
 * when no authority is pinned (the emergency key also when none is published, or it was replaced).
 */
export function withRecovery(payload: ChartPayload, custody: CustodyPolicy | null): ChartPayload {
  const { recovery: _previous, emergency: _previousEmergency, ...rest } = payload;
  if (!custody) return rest;
  return {
    ...rest,
    recovery: { authority: custody.authorityId, boxKey: custody.recoveryKey },
    ...(custody.emergencyKey ? { emergency: { authority: custody.authorityId, boxKey: custody.emergencyKey } } : {}),
  };
}

export async function buildCreate(
  holder: KeyHolder,
  payload: ChartPayload,
  crypto: CryptoProvider,
  custody: CustodyPolicy | null = null,
  at = new Date(),
): Promise<{ tx: Transaction; envelope: Envelope }> {
  const envelope = sealEnvelope(
    { action: 'create', seq: 1, at: at.toISOString(), author: holder.signKey },
    encodePayload(payload),
    readersOf(payload, holder.boxKey),
    sealTo,
    envelopeBox,
  );
  // The asset names the chart by a random id only: nothing about the patient is in clear.
  const asset = { type: CHART_ASSET_TYPE, chart: bytesToHex(randomBytes(16)) };
  const unsigned = makeCreate(
    asset,
    envelope as unknown as JsonObject,
    [custodyOutput(payload.custodian.signKey, custody)],
    [holder.signKey],
  );
  return { tx: await signTransaction(unsigned, signerFor(holder), { crypto, checkSignatures: false }), envelope };
}

export async function buildVersion(
  holder: KeyHolder,
  head: Transaction,
  chartId: string,
  action: Exclude<EnvelopeAction, 'create'>,
  seq: number,
  payload: ChartPayload,
  crypto: CryptoProvider,
  custody: CustodyPolicy | null = null,
  at = new Date(),
): Promise<{ tx: Transaction; envelope: Envelope }> {
  const envelope = sealEnvelope(
    { action, seq, at: at.toISOString(), author: holder.signKey, chart: chartId },
    encodePayload(payload),
    readersOf(payload, holder.boxKey),
    sealTo,
    envelopeBox,
  );
  const unsigned = makeTransfer(
    [{ tx: head, outputIndex: 0 }],
    [custodyOutput(payload.custodian.signKey, custody)],
    envelope as unknown as JsonObject,
  );
  // The custodian's own branch of a 1-of-[custodian, quorum] output (their key alone for a plain output).
  const signed = await signTransaction(unsigned, signerFor(holder), {
    crypto,
    checkSignatures: false,
    keys: [holder.signKey],
  });
  return { tx: signed, envelope };
}

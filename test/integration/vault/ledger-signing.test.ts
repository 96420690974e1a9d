// Signatures made through the vault (real keychain) verify with the transaction core and are accepted by the
// embedded ledger node over real HTTP, posted with the official bigchaindb-driver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import driver from 'bigchaindb-driver';
import {
  contextFromTransactions,
  ed25519Output,
  makeCreate,
  makeTransfer,
  signTransaction,
  transactionId,
  validateTransaction,
  type Transaction,
} from '../../../src-shared/ledger';
import { signerFor } from '../../../src-shared/crypto/keyholder';
import { IdentityLockedError } from '../../../src-shared/crypto/errors';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { cleanKeychain, DOCTOR, OTHER_DOCTOR, testVault } from './helpers';

let node: LedgerNode;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hc-vault-ledger-'));
  // Open, as for `npm run ledger -- --open`: bigchaindb-driver 4.3.0 cannot send a bearer token (it drops the
  // headers given to Connection).
  node = await startLedgerNode({ dataDir, port: 0, access: { kind: 'open' } });
});

afterAll(async () => {
  await node?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  await cleanKeychain();
});

describe('vault signatures on the ledger', { timeout: 60_000 }, () => {
  it('a practitioner CREATE and a chart CREATE → TRANSFER signed through the vault are valid and committed', async () => {
    const vault = testVault();
    const { identity: ada } = await vault.create(DOCTOR);
    const { identity: ben } = await vault.create(OTHER_DOCTOR);
    vault.lockAll();
    const adaHolder = await vault.unlock(ada.id, DOCTOR.password);

    const practitioner = await signTransaction(
      makeCreate(
        {
          type: 'hc.practitioner/1',
          name: ada.name,
          specialty: ada.specialty,
          signKey: ada.signKey,
          boxKey: ada.boxKey,
        },
        null,
        [ed25519Output(ada.signKey)],
        [ada.signKey],
      ),
      signerFor(adaHolder),
    );
    expect(validateTransaction(practitioner, contextFromTransactions([]))).toMatchObject({ ok: true });

    const chart = await signTransaction(
      makeCreate({ type: 'hc.chart/1', chart: 'c-0001' }, { seq: 1 }, [ed25519Output(ada.signKey)], [ada.signKey]),
      signerFor(adaHolder),
    );
    const handOver = await signTransaction(
      makeTransfer([{ tx: chart, outputIndex: 0 }], [ed25519Output(ben.signKey)], { seq: 2 }),
      signerFor(adaHolder),
    );
    expect(validateTransaction(handOver, contextFromTransactions([chart]))).toMatchObject({ ok: true });

    const conn = new driver.Connection(node.apiUrl);
    for (const tx of [practitioner, chart, handOver]) {
      const committed = (await conn.postTransactionCommit(tx as never)) as unknown as Transaction;
      expect(committed.id).toBe(tx.id);
    }
    const stored = (await conn.getTransaction(handOver.id)) as unknown as Transaction;
    expect(stored.inputs[0]!.fulfillment).toBe(handOver.inputs[0]!.fulfillment);
    expect(
      ((await conn.listOutputs(ben.signKey, false)) as unknown as { transaction_id: string }[]).map(
        (o) => o.transaction_id,
      ),
    ).toContain(handOver.id);
  });

  it('the node checks those signatures: a flipped signature bit is refused; a locked handle cannot sign at all', async () => {
    const vault = testVault();
    const { identity: ada, holder } = await vault.create(DOCTOR);
    const unsigned = makeCreate(
      { type: 'hc.chart/1', chart: 'c-0002' },
      null,
      [ed25519Output(ada.signKey)],
      [ada.signKey],
    );
    const signed = await signTransaction(unsigned, signerFor(holder));
    // Fulfillment DER: A4 64 { 80 20 <public key> 81 40 <signature> }; flip the signature's last bit.
    const der = Buffer.from(signed.inputs[0]!.fulfillment as string, 'base64url');
    der[der.length - 1]! ^= 1;
    const tampered = {
      ...signed,
      inputs: [{ ...signed.inputs[0]!, fulfillment: der.toString('base64url') }],
    } as Transaction;
    tampered.id = transactionId(tampered); // the id covers the fulfillments: keep it consistent so only the signature is wrong
    expect(validateTransaction(tampered, contextFromTransactions([]))).toMatchObject({
      ok: false,
      error: { type: 'InvalidSignature' },
    });
    const conn = new driver.Connection(node.apiUrl);
    await expect(conn.postTransactionCommit(tampered as never)).rejects.toMatchObject({ status: '400 BAD REQUEST' });
    expect(((await conn.postTransactionCommit(signed as never)) as unknown as Transaction).id).toBe(signed.id);

    vault.lock(ada.id);
    // The transaction core wraps the signer's error (code SigningFailed) and keeps its message.
    await expect(signTransaction(unsigned, signerFor(holder))).rejects.toThrow(/identity is locked/);
    await expect(holder.sign(new Uint8Array(32))).rejects.toBeInstanceOf(IdentityLockedError);
  });
});

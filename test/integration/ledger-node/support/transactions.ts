// Transactions built with the official driver's builders and signed through its delegate-signing hook.
import driver from 'bigchaindb-driver';
import { signTx, type TestKey } from './keys';

const { Transaction } = driver;

export interface SignedTx {
  readonly id: string;
  readonly operation: string;
  readonly outputs: { amount: string; public_keys: string[] }[];
  readonly asset: { id?: string; data?: unknown };
  readonly metadata: unknown;
  readonly [key: string]: unknown;
}

export function ed25519Output(owner: TestKey | string, amount = '1') {
  const key = typeof owner === 'string' ? owner : owner.publicKey;
  return Transaction.makeOutput(Transaction.makeEd25519Condition(key), amount);
}

export function createTx(
  issuer: TestKey,
  asset: Record<string, unknown> | null,
  metadata: Record<string, unknown> | null,
  outputs = [ed25519Output(issuer)],
): SignedTx {
  const unsigned = Transaction.makeCreateTransaction(asset, metadata, outputs, issuer.publicKey);
  return signTx(unsigned, [issuer]) as unknown as SignedTx;
}

export function transferTx(
  spends: { tx: SignedTx; outputIndex: number; signer: TestKey | readonly TestKey[] }[],
  outputs: ReturnType<typeof ed25519Output>[],
  metadata: Record<string, unknown> | null = null,
): SignedTx {
  const unsigned = Transaction.makeTransferTransaction(
    spends.map(({ tx, outputIndex }) => ({ tx: tx as never, output_index: outputIndex })),
    outputs,
    metadata,
  );
  return signTx(
    unsigned,
    spends.map((s) => s.signer),
  ) as unknown as SignedTx;
}

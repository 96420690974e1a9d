// Failures of the ledger client. Each carries what the user needs to act: which node, and the node's own words.

/** No configured node answered (connection refused, timeout, DNS...). The work stays in the outbox. */
export class NodeUnreachableError extends Error {
  override readonly name = 'NodeUnreachableError';
  readonly code = 'NodeUnreachable';
  constructor(readonly attempts: { nodeUrl: string; error: string }[]) {
    super(
      `No ledger node answered: ${attempts.map((a) => `${a.nodeUrl} (${a.error})`).join('; ') || 'no node configured'}`,
    );
  }
}

/** A node refused a transaction; `reason` is the node's message verbatim (read from its 400 body). */
export class NodeRejectedError extends Error {
  override readonly name = 'NodeRejectedError';
  readonly code = 'NodeRejected';
  constructor(
    readonly nodeUrl: string,
    readonly httpStatus: number,
    readonly reason: string,
  ) {
    super(`The ledger node ${nodeUrl} rejected the transaction: ${reason}`);
  }
}

/** A node answered something that is not what the protocol promises (bad JSON, wrong shape, 5xx). */
export class NodeAnswerError extends Error {
  override readonly name = 'NodeAnswerError';
  readonly code = 'NodeAnswer';
  constructor(
    readonly nodeUrl: string,
    message: string,
  ) {
    super(`${nodeUrl}: ${message}`);
  }
}

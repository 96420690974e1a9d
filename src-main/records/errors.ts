// Typed failures of the chart service. `code` is stable for the IPC contract; `message` is a sentence for the user.
// An invalid chart is a ChartValidationError (src-shared/records/validate.ts), with its field errors.

export type ChartErrorCode =
  | 'ChartNotFound'
  | 'NotCustodian'
  | 'ChartRevoked'
  | 'ChartNotRevoked'
  | 'ChartTampered'
  | 'UnknownAuthor'
  | 'StaleVersion'
  | 'NotAReader'
  | 'InvalidRequest'
  | 'OutboxBlocked';

export class ChartServiceError extends Error {
  constructor(
    readonly code: ChartErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
  toJSON(): { code: ChartErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export const chartNotFound = (chartId: string) =>
  new ChartServiceError('ChartNotFound', `No chart ${chartId} is on the ledger (or it was not shared with you)`);
export const notCustodian = (owner: string) =>
  new ChartServiceError('NotCustodian', `Only the chart's custodian can change it; it is held by ${owner}`);
/** A new version carries the whole chart: written on an unvouched one, it would sign that content as this doctor's. */
export const unknownAuthor = (reason: string) =>
  new ChartServiceError(
    'UnknownAuthor',
    `This chart is not written on: a version's author is not vouched for by the hospital (${reason}). Ask IT to check it.`,
  );
export const tampered = (reason: string) =>
  new ChartServiceError('ChartTampered', `The chart failed verification: ${reason}`);

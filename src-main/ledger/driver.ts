// bigchaindb-driver is CommonJS whose typings declare only named exports; Node ESM exposes it as a default export.
import driverModule from 'bigchaindb-driver';
import type * as Driver from 'bigchaindb-driver';

const driver = driverModule as unknown as typeof Driver;
export const Connection = driver.Connection;
export type Connection = Driver.Connection;

/** What the driver throws for a non-2xx answer (SPEC §5.14): the body is not exposed. */
export interface DriverResponseError {
  name: 'ResponseError';
  message: string;
  status: string;
  requestURI: string;
}

export function isDriverResponseError(error: unknown): error is DriverResponseError {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ResponseError'
    && typeof (error as { status?: unknown }).status === 'string';
}

export function statusCode(error: DriverResponseError): number {
  return Number.parseInt(error.status, 10);
}

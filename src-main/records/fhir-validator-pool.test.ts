// abandon(): a command that gives up before using its checks (the CLI's import whose identity did not unlock) drops
// them; close() would have finished each on the calling thread for nobody.
import { describe, expect, it } from 'vitest';
import { chartToFhir } from '../../src-shared/records/fhir';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { FhirValidatorPool } from './fhir-validator-pool';

const bundle = () => chartToFhir({ chartId: 'x', chart: sampleChart('Ada Pool'), versions: [] });

describe('FhirValidatorPool.abandon', () => {
  it('rejects the checks still queued instead of answering them, and answers none after', async () => {
    const pool = new FhirValidatorPool({ size: 1 });
    // Queued behind the worker's start and warm-up: none can be answered before abandon() below.
    const checks = Array.from({ length: 20 }, () => {
      const b = bundle();
      return pool.validate(b, JSON.stringify(b));
    });
    const settling = Promise.allSettled(checks);
    await pool.abandon();
    const settled = await settling;
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({
      message: 'validation abandoned: the import stopped',
    });
  }, 60_000);

  it('close() still finishes what was queued (with the same answers): abandon() is the only dropping way', async () => {
    const pool = new FhirValidatorPool({ size: 1 });
    const b = bundle();
    const check = pool.validate(b, JSON.stringify(b));
    await pool.close();
    await expect(check).resolves.toEqual([]);
  }, 60_000);
});

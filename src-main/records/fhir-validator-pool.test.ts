// abandon(): a command that gives up before using its checks (the CLI's import whose identity did not unlock) drops
// them; close() would have finished each on the calling thread for nobody. check(): the worker also converts a valid
// bundle, and its answer is fhirToChart's on this thread, nothing more or less.
import { describe, expect, it } from 'vitest';
import { chartToFhir, fhirToChart } from '../../src-shared/records/fhir';
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

describe('FhirValidatorPool.check', () => {
  it("answers the errors and, for a valid bundle only, fhirToChart's very answer, made in the worker", async () => {
    const pool = new FhirValidatorPool({ size: 1 });
    try {
      const b = bundle();
      // An unknown resource keeps its place in the report: the warnings and lost fields cross the thread too.
      b.entry!.push({ resource: { resourceType: 'Basic', code: { text: 'kept aside' } } } as never);
      const patient = b.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource as { photo?: unknown };
      patient.photo = [{ contentType: 'image/png' }];
      const broken = {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ resource: { resourceType: 'Patient', gender: 7 } }],
      };
      const [good, fromObject, bad] = await Promise.all([
        pool.check(b, JSON.stringify(b)),
        pool.check(b),
        pool.check(broken, JSON.stringify(broken)),
      ]);
      const here = fhirToChart(b);
      expect(here.ok && here.warnings.length > 0 && here.lost.length > 0).toBe(true);
      expect(good).toEqual({ errors: [], converted: here });
      expect(fromObject).toEqual(good);
      expect(bad.errors).toEqual(await pool.validate(broken));
      expect(bad.errors.length).toBeGreaterThan(0);
      expect(bad).not.toHaveProperty('converted');
    } finally {
      await pool.close();
    }
  }, 60_000);
});

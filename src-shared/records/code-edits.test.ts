import { describe, expect, it } from 'vitest';
import { fullSampleChart } from '../../test/fixtures/sample-chart';
import { CODE_SYSTEM_MISSING, CODE_SYSTEM_NOT_URI, codeEditErrors } from './code-edits';
import type { Chart } from './chart';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

function withImportedSystemless(): Chart {
  const chart = fullSampleChart();
  // R4 allows a Coding without a system, and an import keeps it as given.
  chart.allergies[0]!.codes = [{ system: '', code: 'local-42', display: 'Penicillin (local list)' }];
  return chart;
}

describe('codeEditErrors: codes the doctor types or changes name their system by a URI', () => {
  it('accepts new codes with a known or other URI system', () => {
    const before = fullSampleChart();
    const after = structuredClone(before);
    after.medications[0]!.codes.push({ system: RXNORM, code: '860975', display: '' });
    after.allergies[0]!.codes.push({ system: 'urn:oid:2.16.840.1.113883.6.96', code: '91936005', display: '' });
    expect(codeEditErrors(after, before)).toEqual([]);
  });

  it('names the exact field of a new code without a system, or with a system that is not a URI', () => {
    const before = fullSampleChart();
    const after = structuredClone(before);
    after.medications[1]!.codes.push({ system: '', code: '617318', display: '' });
    after.procedures[0]!.codes.push({ system: 'snomed ct', code: '80146002', display: '' });
    expect(codeEditErrors(after, before)).toEqual([
      { path: 'medications.1.codes.0.system', message: CODE_SYSTEM_MISSING },
      { path: 'procedures.0.codes.1.system', message: CODE_SYSTEM_NOT_URI },
    ]);
  });

  it('leaves an imported code without a system alone until the doctor changes it', () => {
    const before = withImportedSystemless();
    const same = structuredClone(before);
    same.patient.phone = '+44 20 7946 0000';
    expect(codeEditErrors(same, before)).toEqual([]);

    const changed = structuredClone(before);
    changed.allergies[0]!.codes[0]!.code = 'local-43';
    expect(codeEditErrors(changed, before)).toEqual([
      { path: 'allergies.0.codes.0.system', message: CODE_SYSTEM_MISSING },
    ]);
  });

  it('checks every code of a new chart (no chart before it)', () => {
    const chart = withImportedSystemless();
    expect(codeEditErrors(chart, null)).toEqual([{ path: 'allergies.0.codes.0.system', message: CODE_SYSTEM_MISSING }]);
  });
});

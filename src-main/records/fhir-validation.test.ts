import { describe, expect, it } from 'vitest';
import { fhirStructureErrors } from './fhir-validation';

describe('FHIR R4 structural validation (official definitions)', () => {
  it('accepts a valid bundle, including a MedicationStatement without effective[x] or dosage', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'Patient', id: 'p1', birthDate: '1950-01-01' } },
        {
          resource: {
            resourceType: 'MedicationStatement',
            status: 'active',
            subject: { reference: 'Patient/p1' },
            medicationCodeableConcept: { text: 'Aspirin' },
          },
        },
      ],
    };
    expect(fhirStructureErrors(bundle)).toEqual([]);
  }, 120_000);

  it('names every structural problem with its path: bad formats, unknown elements, missing required elements', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'Patient', birthDate: '05/04/1970' } },
        { resource: { resourceType: 'Condition', subject: { reference: 'Patient/p1' }, symptoms: 'cough' } },
        { resource: { resourceType: 'MedicationStatement', subject: { reference: 'Patient/p1' } } },
      ],
    };
    const errors = fhirStructureErrors(bundle);
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'Bundle.entry[0].resource.birthDate',
        'Bundle.entry[1].resource.symptoms',
        'Bundle.entry[2].resource.status',
      ]),
    );
    expect(errors.every((e) => e.message.startsWith('Not valid FHIR R4: '))).toBe(true);
  }, 120_000);

  it('leaves what is not a resource at all to the importer', () => {
    expect(fhirStructureErrors('not json')).toEqual([]);
    expect(fhirStructureErrors({ entry: [] })).toEqual([]);
  });
});

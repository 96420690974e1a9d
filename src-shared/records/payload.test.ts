import { describe, expect, it } from 'vitest';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { decodePayload, encodePayload, payloadOf, PayloadError } from './payload';
import { parseChart, ChartValidationError } from './validate';

const custodian = {
  signKey: '7i9DaiYp7752wxAGL77AL3dZiETaBtwoorNUzFvKAf91',
  boxKey: 'j9Gvw4hxNLdWaJqfpWit1Xz6ZqF16Mr2JXHcqz2QAdG',
  name: 'Dr A',
};

describe('version payloads', () => {
  it('round-trip', () => {
    const payload = payloadOf(sampleChart(), null, custodian, []);
    expect(decodePayload(encodePayload(payload))).toEqual(payload);
  });

  it('a v1 payload (before codes, allergies and the other IPS lists) opens as the new shape and is written as v2', () => {
    // Exactly what a v1 writer sealed: no codes, no dosageText, no structured name or contact, no new lists.
    const v1Chart = {
      patient: { name: 'Old Shape', birthDate: '1960-01-01', age: null, gender: 'male', visitDate: '2025-01-01' },
      doctors: [],
      illnesses: [{ id: 'i1', condition: 'Asthma', symptoms: 'Wheeze', onset: '', status: 'active' }],
      medications: [
        {
          id: 'm1',
          name: 'Salbutamol',
          dose: '100 mcg',
          route: 'inhaled',
          frequency: 'as needed',
          start: '2020-01-01',
          end: '',
          status: 'active',
          prescribedBy: '',
        },
      ],
      visits: [],
    };
    const bytes = new TextEncoder().encode(
      JSON.stringify({ v: 1, chart: v1Chart, patient: null, custodian, doctors: [] }),
    );
    const opened = decodePayload(bytes);
    expect(opened.v).toBe(2);
    expect(opened.chart.patient).toMatchObject({ name: 'Old Shape', given: '', family: '', phone: '', email: '' });
    expect(opened.chart.illnesses[0]!.codes).toEqual([]);
    expect(opened.chart.medications[0]).toMatchObject({ dose: '100 mcg', codes: [], dosageText: '' });
    expect(opened.chart).toMatchObject({ allergies: [], immunizations: [], procedures: [], results: [] });
    // The next version is written in the new shape.
    const next = JSON.parse(new TextDecoder().decode(encodePayload({ ...opened, chart: opened.chart })));
    expect(next.v).toBe(2);
    expect(next.chart.allergies).toEqual([]);
    expect(Object.keys(next.chart.patient)).toContain('given');
  });

  it('a payload of an unknown version is refused', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ ...payloadOf(sampleChart(), null, custodian, []), v: 3 }));
    expect(() => decodePayload(bytes)).toThrow(PayloadError);
  });

  it('a stored version is checked for shape, not against the reader’s clock', () => {
    // Written "today" where the doctor was, read where it is still yesterday (or on a machine whose clock is behind).
    const chart = sampleChart();
    chart.visits[0]!.date = '2999-01-01';
    chart.patient.visitDate = '2999-01-01';
    expect(() => parseChart(chart)).toThrow(ChartValidationError); // a doctor cannot enter it now…
    const stored = encodePayload(payloadOf(chart, null, custodian, []));
    expect(decodePayload(stored).chart.visits[0]!.date).toBe('2999-01-01'); // …but a version holding it still reads
  });

  it('refuses what is not a chart, naming the first problem', () => {
    const chart = { ...sampleChart(), patient: { ...sampleChart().patient, birthDate: '1984-02-30' } };
    expect(() => decodePayload(encodePayload(payloadOf(chart, null, custodian, [])))).toThrow(
      /not a valid chart \(chart\.patient\.birthDate: Date of birth has no such day\)/,
    );
    expect(() => decodePayload(new TextEncoder().encode('{'))).toThrow(PayloadError);
  });
});

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

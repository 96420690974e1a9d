import { describe, expect, it } from 'vitest';
import { normaliseProfile } from './profile';
import { InvalidInputError } from './errors';

describe('doctor profile', () => {
  it('trims and NFC-normalises', () => {
    expect(normaliseProfile({ name: '  Dr Zoe\u0308 Ba ', specialty: 'GP', licenceNumber: ' GMC 12/34-5 ' })).toEqual({
      name: 'Dr Zoë Ba',
      specialty: 'GP',
      licenceNumber: 'GMC 12/34-5',
    });
  });

  it('names the offending field', () => {
    const fieldOf = (input: Record<string, unknown>) => {
      try {
        normaliseProfile(input);
        return null;
      } catch (error) {
        return error instanceof InvalidInputError ? error.field : 'other';
      }
    };
    const ok = { name: 'A', specialty: 'B', licenceNumber: 'C1' };
    expect(fieldOf({ ...ok, name: '   ' })).toBe('name');
    expect(fieldOf({ ...ok, specialty: undefined })).toBe('specialty');
    expect(fieldOf({ ...ok, licenceNumber: 'X;DROP' })).toBe('licenceNumber');
    expect(fieldOf({ ...ok, name: 'a\u0007b' })).toBe('name');
    expect(fieldOf({ ...ok, name: 'x'.repeat(201) })).toBe('name');
    expect(fieldOf(ok)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { ageOn, dateError } from './dates';

describe('chart dates', () => {
  it('knows the length of every month of 1850–2450, leap years included, as the calendar does', () => {
    for (let year = 1850; year <= 2450; year++) {
      for (let month = 1; month <= 12; month++) {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        const iso = (day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        expect(dateError(iso(days)), iso(days)).toBeNull();
        expect(dateError(iso(days + 1)), iso(days + 1)).toBe('has no such day');
      }
    }
    expect(dateError('2000-02-29')).toBeNull();
    expect(dateError('1900-02-29')).toBe('has no such day');
  });

  it('names what is wrong with a date that is not one', () => {
    expect(dateError('2024-13-01')).toBe('has no such month');
    expect(dateError('2024-00-10')).toBe('has no such month');
    expect(dateError('2024-05-00')).toBe('has no such day');
    expect(dateError('1849-12-31')).toBe('is too far in the past');
    expect(dateError('2024-5-1')).toBe('must be a date (YYYY-MM-DD)');
    expect(dateError('2024-05-01T00:00')).toBe('must be a date (YYYY-MM-DD)');
  });

  it('counts whole years of age, the day before and on a birthday', () => {
    expect(ageOn('2000-02-29', '2001-02-28')).toBe(0);
    expect(ageOn('2000-02-29', '2001-03-01')).toBe(1);
    expect(ageOn('1980-06-15', '2020-06-15')).toBe(40);
    expect(ageOn('2020-06-15', '2020-06-14')).toBeNull();
  });
});

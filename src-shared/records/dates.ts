// Calendar dates as the chart stores them: 'YYYY-MM-DD' strings (no time zone: a birth date is not an instant).
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
// Arithmetic, not a Date per check: every date of every version read is checked, and a Date cost more than the rest.
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** Why `value` is not a real calendar date, or null when it is one. */
export function dateError(value: string): string | null {
  const m = ISO_DATE.exec(value);
  if (!m) return 'must be a date (YYYY-MM-DD)';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1850) return 'is too far in the past';
  if (month < 1 || month > 12) return 'has no such month';
  const daysInMonth = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > daysInMonth) return 'has no such day';
  return null;
}

export function isIsoDate(value: string): boolean {
  return dateError(value) === null;
}

/** Today's date in local time, as a chart date. */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whole years between a birth date and a day (both chart dates). */
export function ageOn(birthDate: string, day: string): number | null {
  if (!isIsoDate(birthDate) || !isIsoDate(day) || day < birthDate) return null;
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

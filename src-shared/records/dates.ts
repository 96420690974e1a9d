// Calendar dates as the chart stores them: 'YYYY-MM-DD' strings (no time zone: a birth date is not an instant).
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why `value` is not a real calendar date, or null when it is one. */
export function dateError(value: string): string | null {
  const m = ISO_DATE.exec(value);
  if (!m) return 'must be a date (YYYY-MM-DD)';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1850) return 'is too far in the past';
  if (month < 1 || month > 12) return 'has no such month';
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
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

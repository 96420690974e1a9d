// How chart values read on screen: option labels instead of codes, and a dash for an empty value.
import { formatCodes, type FieldSpec } from '../../../src-shared/records';

export function displayValue(field: FieldSpec, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field.kind === 'codes') return Array.isArray(value) && value.length ? formatCodes(value) : '—';
  if (field.kind === 'select') return field.options?.find((o) => o.value === value)?.label ?? String(value);
  return String(value);
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function shortKey(key: string): string {
  return key.length > 14 ? `${key.slice(0, 6)}…${key.slice(-6)}` : key;
}

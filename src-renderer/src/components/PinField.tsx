// A PIN is digits only and never shown: one field so the doctor's and the kiosk's PIN inputs behave the same.
import type { ComponentProps } from 'react';
import { TextField } from './TextField';

type PinFieldProps = Omit<ComponentProps<typeof TextField>, 'type' | 'inputMode' | 'autoComplete'>;

export function PinField({ onChange, ...rest }: PinFieldProps) {
  return (
    <TextField
      type="password"
      inputMode="numeric"
      autoComplete="off"
      onChange={(v) => onChange(v.replace(/\D/g, ''))}
      {...rest}
    />
  );
}

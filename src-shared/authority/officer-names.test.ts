import { describe, expect, it } from 'vitest';
import { AUTHORITY_TYPE } from './model';
import { ceremonyOfficers, officerNameMap } from './officer-names';
import type { PartialTransaction } from './partial-signing';

const partial = (operation: string, data: unknown): PartialTransaction =>
  ({ unsigned: { operation, asset: { data }, inputs: [] }, signatures: {} }) as unknown as PartialTransaction;

describe('officer names for a quorum file', () => {
  it('takes the officer list from a ceremony file only', () => {
    const officers = [{ name: 'Ines', signKey: 'K1' }];
    expect(ceremonyOfficers(partial('CREATE', { type: AUTHORITY_TYPE, officers }))).toBe(officers);
    expect(ceremonyOfficers(partial('CREATE', { type: 'hc.credential/1', officers }))).toBeNull();
    expect(ceremonyOfficers(partial('TRANSFER', { type: AUTHORITY_TYPE, officers }))).toBeNull();
  });

  it('keeps the first name a key is given and skips malformed entries', () => {
    const names = officerNameMap(
      [{ name: 'Ines', signKey: 'K1' }, null, { name: 7, signKey: 'K2' }, { signKey: 'K3' }],
      'not a list',
      [
        { name: 'Renamed by a keychain', signKey: 'K1' },
        { name: 'Omar', signKey: 'K2' },
      ],
    );
    expect([...names]).toEqual([
      ['K1', 'Ines'],
      ['K2', 'Omar'],
    ]);
  });
});

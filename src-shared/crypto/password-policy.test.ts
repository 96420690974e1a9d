import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy';

describe('password policy', () => {
  it('accepts a reasonable passphrase', () => {
    expect(passwordProblem('correct horse battery')).toBeNull();
  });
  it('explains each refusal', () => {
    expect(passwordProblem('short')).toMatch(/at least 10 characters \(5 given\)/);
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/more than one or two/);
    expect(passwordProblem('Password123')).toMatch(/too common/);
    expect(passwordProblem('my name is Okafor!', { personalWords: ['Ada Okafor', 'Okafor'] })).toMatch(
      /name or licence/,
    );
    expect(passwordProblem('x'.repeat(300) + 'yz')).toMatch(/at most 256/);
    expect(passwordProblem('short but ok?', { minLength: 14 })).toMatch(/at least 14/);
  });
  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblem('😀😀😀😀😀ab')).toMatch(/7 given/);
  });
});

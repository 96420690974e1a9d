import { describe, expect, it } from 'vitest';
import { MAX_SESSIONS, parseShareFile, RecoverySessions } from './recovery-sessions';
import type { VerifiedAuthority } from '../../src-shared/authority';

const authority = {
  id: 'a'.repeat(64),
  data: { name: 'St Quorum', threshold: 2, officers: [], recoveryKey: 'x' },
} as unknown as VerifiedAuthority;

describe('recovery sessions kept in memory', () => {
  it('forgets an ended session, and the oldest when more than a few are started', async () => {
    const sessions = new RecoverySessions();
    const first = sessions.start().sessionKey;
    const more = Array.from({ length: MAX_SESSIONS }, () => sessions.start().sessionKey);
    await expect(sessions.rebuild(authority, first, [])).rejects.toThrow(/No such recovery session/);
    await expect(sessions.rebuild(authority, more[0]!, [])).rejects.toThrow(/Not enough shares: St Quorum needs 2/);
    sessions.end(more[0]!);
    await expect(sessions.rebuild(authority, more[0]!, [])).rejects.toThrow(/No such recovery session/);
    sessions.endAll();
    await expect(sessions.rebuild(authority, more.at(-1)!, [])).rejects.toThrow(/No such recovery session/);
  });

  it('refuses what is not a share file, naming which one', () => {
    expect(() => parseShareFile('not json', 0)).toThrow('Share file 1 is not a recovery share file (not JSON)');
    expect(() => parseShareFile('{"format":"healthchain.recovery-share","version":2}', 2)).toThrow(
      /Share file 3 is not a recovery share file \(format healthchain.recovery-share, version 1\)/,
    );
  });
});

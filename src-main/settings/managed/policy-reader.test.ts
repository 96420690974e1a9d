// The one place where raw policies become settings: checks, precedence and rejection, the same for every platform.
// The source here is a stand-in for a platform's policy store (its raw scopes are given directly).
import { describe, expect, it } from 'vitest';
import { ManagedPolicyReader, settleScopes } from './policy-reader';
import type { ManagedSettingsSource, RawScope } from './reader';

const USER = 'user-store';
const MACHINE = 'machine-store';

function storeOf(scopes: RawScope[]): ManagedSettingsSource & { watching: number } {
  const store = {
    description: `${MACHINE} over ${USER}`,
    watching: 0,
    read: async () => scopes,
    watch: () => {
      store.watching++;
      return () => store.watching--;
    },
  };
  return store;
}

describe('settleScopes', () => {
  it('merges scopes, the later (machine) winning per key', () => {
    const result = settleScopes('s', [
      { location: USER, status: 'present', values: { autoLockMinutes: 30, kioskIdleSeconds: 45 } },
      { location: MACHINE, status: 'present', values: { autoLockMinutes: 5 } },
    ]);
    expect(result).toEqual({ status: 'ok', source: 's', values: { autoLockMinutes: 5, kioskIdleSeconds: 45 } });
  });

  it('is absent when no scope holds a policy, and uses the one that does', () => {
    expect(
      settleScopes('s', [
        { location: USER, status: 'absent' },
        { location: MACHINE, status: 'absent' },
      ]),
    ).toEqual({ status: 'absent', source: 's' });
    expect(settleScopes('s', [])).toEqual({ status: 'absent', source: 's' });
    expect(
      settleScopes('s', [
        { location: USER, status: 'present', values: { kioskCamera: false } },
        { location: MACHINE, status: 'absent' },
      ]),
    ).toEqual({
      status: 'ok',
      source: 's',
      values: { kioskCamera: false },
    });
  });

  it('rejects the whole policy when any scope is unreadable or wrong, naming the machine scope first', () => {
    const result = settleScopes('s', [
      { location: USER, status: 'present', values: { autoLockMinutes: 'soon' } },
      { location: MACHINE, status: 'present', values: { nodeUrl: 'x' }, problems: ['NodeUrls: must be REG_MULTI_SZ'] },
    ]);
    expect(result.status).toBe('rejected');
    const reason = result.status === 'rejected' ? result.reason : '';
    expect(reason).toMatch(
      /^machine-store: NodeUrls: must be REG_MULTI_SZ; unknown setting\(s\) "nodeUrl"; user-store: autoLockMinutes: /,
    );
    expect(
      settleScopes('s', [
        { location: USER, status: 'present', values: { autoLockMinutes: 5 } },
        { location: MACHINE, status: 'unreadable', reason: 'owned by uid 1000' },
      ]),
    ).toEqual({
      status: 'rejected',
      source: 's',
      reason: 'owned by uid 1000',
    });
  });

  it('rejects a policy that is not an object of settings', () => {
    expect(settleScopes('s', [{ location: MACHINE, status: 'present', values: [1, 2] }])).toMatchObject({
      status: 'rejected',
      reason: /^machine-store: expected a JSON object/,
    });
  });
});

describe('ManagedPolicyReader', () => {
  it('reads through its source and passes watching on to it', async () => {
    const store = storeOf([{ location: MACHINE, status: 'present', values: { allowUserNodeUrls: false } }]);
    const reader = new ManagedPolicyReader(store);
    expect(reader.description).toBe('machine-store over user-store');
    expect(await reader.read()).toEqual({
      status: 'ok',
      source: 'machine-store over user-store',
      values: { allowUserNodeUrls: false },
    });
    const stop = reader.watch(() => {});
    expect(store.watching).toBe(1);
    stop();
    expect(store.watching).toBe(0);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { runEmergency } from './emergency';

describe('npm run cli -- emergency', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers --help and -h with its own usage, options and exit codes (status 0), and a bad option with status 2', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    for (const flag of ['--help', '-h']) {
      out.mockClear();
      expect(await runEmergency([flag])).toBe(0);
      const text = out.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toContain('Usage: npm run cli -- emergency <command>');
      expect(text).toContain('--json');
      expect(text).toContain('Exit codes: 0 done');
    }
    expect(await runEmergency(['report', '--frobnicate'])).toBe(2);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain('--frobnicate');
  });
});

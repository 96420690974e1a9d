// HC_CLI_TIMELINE=1 writes each mark with the time since start and the CPU of the main thread and the others;
// without it nothing is written.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { mark as Mark } from './timeline';

async function marksWith(env: string | undefined, run: (mark: typeof Mark) => void) {
  const saved = process.env.HC_CLI_TIMELINE;
  if (env === undefined) delete process.env.HC_CLI_TIMELINE;
  else process.env.HC_CLI_TIMELINE = env;
  vi.resetModules();
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run((await import('./timeline')).mark);
  } finally {
    spy.mockRestore();
    if (saved === undefined) delete process.env.HC_CLI_TIMELINE;
    else process.env.HC_CLI_TIMELINE = saved;
  }
  return written.join('');
}

describe('the CLI timeline', () => {
  afterEach(() => vi.resetModules());

  it('writes nothing unless HC_CLI_TIMELINE=1', async () => {
    expect(await marksWith(undefined, (mark) => mark('identity unlocked'))).toBe('');
    expect(await marksWith('0', (mark) => mark('identity unlocked'))).toBe('');
  });

  it('writes each mark with its time and CPU; a "once" mark only the first time; threads on request', async () => {
    const text = await marksWith('1', (mark) => {
      mark('identity unlocked');
      mark('first commit', { once: true });
      mark('first commit', { once: true });
      mark('last bundle answered', { threads: true });
    });
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\[timeline\] +\d+ ms {2}cpu main +\d+ ms, other threads +\d+ ms {2}identity unlocked$/);
    expect(lines.filter((l) => l.endsWith('first commit'))).toHaveLength(1);
    expect(lines[3]).toMatch(/^\[timeline\] {3}threads \(CPU ms\): .*\(main\) \d+/);
  });
});

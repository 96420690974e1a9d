import { describe, expect, it } from 'vitest';
import { durationMs, parseCli, USAGE } from './args';

/** The commands the usage names: the first word of each line of its Commands block, and a word after "| " that
 * starts a command sharing the line ("revoke … | restore <chartId>"). "hospital" and "emergency" have their own parser
 * and usage (src-main/cli/hospital.ts, emergency.ts; tested there). */
function usageCommands(): string[] {
  const block = USAGE.slice(USAGE.indexOf('Commands\n'), USAGE.indexOf('\nOptions\n'));
  const names = block
    .split('\n')
    .slice(1)
    .flatMap((line) => [/^ {2}([a-z][a-z-]*)\b/.exec(line)?.[1], /\| ([a-z][a-z-]*) </.exec(line)?.[1]])
    .filter((name): name is string => name !== undefined && name !== 'hospital' && name !== 'emergency');
  return [...new Set(names)];
}

describe('CLI arguments', () => {
  it('every command the usage names answers --help with its own usage, options and exit codes', () => {
    const commands = usageCommands();
    expect(commands).toEqual(expect.arrayContaining(['identity', 'import', 'export', 'update', 'custody', 'card']));
    expect(commands).toEqual(expect.arrayContaining(['restore', 'unshare', 'network', 'card-key', 'issue-card']));
    for (const command of commands) {
      for (const argv of [
        [command, '--help'],
        [command, '-h'],
      ]) {
        const parsed = parseCli(argv);
        expect(parsed, command).toMatchObject({ kind: 'help' });
        const text = (parsed as { text: string }).text;
        expect(text, command).toMatch(new RegExp(`^Usage: npm run cli -- ${command}\\b`));
        expect(text, command).toContain('--json');
        expect(text, command).toContain('Exit codes: 0 done');
      }
    }
  });

  it('export takes --ips (the IPS document) with --out and --json', () => {
    const parsed = parseCli(['export', 'abc', '--ips', '--out', 'a dotted.name/x.json', '--json']);
    expect(parsed).toMatchObject({ kind: 'run', options: { ips: true, out: 'a dotted.name/x.json', json: true } });
    expect(parseCli(['export', 'abc'])).toMatchObject({ kind: 'run', options: { ips: false } });
    expect(parseCli(['export', '--help'])).toMatchObject({ text: expect.stringContaining('--ips') });
  });

  it('takes any folder for --data, a dotted name included', () => {
    expect(parseCli(['list', '--data', '/tmp/hc.ledger'])).toMatchObject({ options: { data: '/tmp/hc.ledger' } });
  });

  it('charts upgrade-v3 takes repeated --chart and a --spread duration', () => {
    expect(parseCli(['charts', 'upgrade-v3', '--chart', 'a', '--chart', 'b', '--spread', '500ms'])).toMatchObject({
      kind: 'run',
      options: { command: ['charts', 'upgrade-v3'], charts: ['a', 'b'], spreadMs: 500, all: false },
    });
    expect(parseCli(['charts', 'upgrade-v3', '--all'])).toMatchObject({ options: { charts: [], spreadMs: undefined } });
    expect(parseCli(['charts', 'upgrade-v3', '--all', '--spread', '2h'])).toEqual({
      kind: 'error',
      message: '--spread 2h: not a duration (0, 500ms, 2s, 1m; at most 1h)',
    });
    expect([durationMs('0'), durationMs('2'), durationMs('1.5s'), durationMs('1m'), durationMs('250ms')]).toEqual([
      0, 2000, 1500, 60_000, 250,
    ]);
    for (const bad of ['', '-1s', '2 s', '1h', 'soon', '61m']) expect(durationMs(bad), bad).toBeNull();
  });

  it('refuses an unknown option or command with a message', () => {
    expect(parseCli(['list', '--frobnicate'])).toMatchObject({ kind: 'error' });
    expect(parseCli(['frobnicate', '--help'])).toEqual({ kind: 'error', message: 'unknown command "frobnicate"' });
  });
});

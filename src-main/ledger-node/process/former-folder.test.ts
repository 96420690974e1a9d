import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockFolder } from '../store/folder-lock';
import { useFormerFolder } from './former-folder';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

/** An app folder and a former folder under a fresh root; the former holds a (stand-in) ledger file and an outbox. */
function folders() {
  const root = mkdtempSync(join(tmpdir(), 'hc.former-'));
  roots.push(root);
  const app = join(root, 'config', 'HealthChain', 'ledger');
  const former = join(root, 'data', 'HealthChain', 'ledger');
  mkdirSync(former, { recursive: true });
  writeFileSync(join(former, 'data.mdb'), 'ledger');
  mkdirSync(join(root, 'data', 'HealthChain', 'outbox'));
  writeFileSync(join(root, 'data', 'HealthChain', 'outbox', 'data.mdb'), 'queued');
  return { root, app, former };
}

describe('useFormerFolder', () => {
  it('moves the former ledger and its outbox into an absent app folder, once, and says so', () => {
    const { root, app, former } = folders();
    const said: string[] = [];
    expect(useFormerFolder(app, former, 'test', (line) => said.push(line))).toBe(app);
    expect(readFileSync(join(app, 'data.mdb'), 'utf8')).toBe('ledger');
    expect(readFileSync(join(root, 'config', 'HealthChain', 'outbox', 'data.mdb'), 'utf8')).toBe('queued');
    expect(existsSync(former)).toBe(false);
    expect(existsSync(join(app, 'node.lock'))).toBe(false);
    expect(said).toEqual([
      `moved the CLI's ledger from ${former} to the app's folder ${app}, which the app and the CLI now share (with ${join(root, 'config', 'HealthChain', 'outbox')})`,
    ]);
    const again: string[] = [];
    expect(useFormerFolder(app, former, 'test', (line) => again.push(line))).toBe(app);
    expect(again).toEqual([]);
  });

  it('keeps the app folder when it holds a ledger, naming the former one, which stays untouched', () => {
    const { app, former } = folders();
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'data.mdb'), 'app ledger');
    const said: string[] = [];
    expect(useFormerFolder(app, former, 'test', (line) => said.push(line))).toBe(app);
    expect(said[0]).toContain(`${former} (the CLI's folder before it used the app's) also holds a ledger`);
    expect(readFileSync(join(former, 'data.mdb'), 'utf8')).toBe('ledger');
  });

  it('uses the former folder, named, when the app folder holds other files', () => {
    const { app, former } = folders();
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'notes.txt'), 'x');
    const said: string[] = [];
    expect(useFormerFolder(app, former, 'test', (line) => said.push(line))).toBe(former);
    expect(said[0]).toContain(`using the ledger in ${former} (the CLI's former folder)`);
    expect(readFileSync(join(former, 'data.mdb'), 'utf8')).toBe('ledger');
    expect(existsSync(join(former, 'node.lock'))).toBe(false);
  });

  it('refuses to move a former ledger a node holds, and moves nothing', () => {
    const { app, former } = folders();
    const held = lockFolder(former, 'an older CLI');
    try {
      const said: string[] = [];
      expect(() => useFormerFolder(app, former, 'test', (line) => said.push(line))).toThrow(
        `the ledger folder ${former} is in use by an older CLI (pid ${process.pid})`,
      );
      expect(said[0]).toContain(`the ledger in ${former} was not moved`);
      expect(existsSync(app)).toBe(false);
    } finally {
      held.release();
    }
  });
});

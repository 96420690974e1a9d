// The CLI's list-checkpoint choice over the real Linux managed-settings reader (a policy file of the test's own) and a
// real user settings.json: IT's pin wins over the user's file, which wins over the default.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LinuxManagedSettingsReader } from '../settings';
import { chooseListCheckpoints } from './checkpoint-choice';

let root: string;
let policyFile: string;
let userFile: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'hc-checkpoint-choice-'));
  await mkdir(path.join(root, 'etc'), { mode: 0o755 });
  await chmod(path.join(root, 'etc'), 0o755);
  policyFile = path.join(root, 'etc', 'managed-settings.json');
  userFile = path.join(root, 'settings.json');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const choose = () => {
  const reader = new LinuxManagedSettingsReader({ path: policyFile, trustedUid: process.getuid?.() ?? 0 });
  return chooseListCheckpoints({ data: undefined }, { managed: () => reader.read(), userFile });
};
const policy = async (value: unknown) => {
  await writeFile(policyFile, JSON.stringify(value));
  await chmod(policyFile, 0o644);
};

describe('chooseListCheckpoints', () => {
  it('is on by default', async () => {
    expect(await choose()).toEqual({ on: true, from: 'default' });
  });

  it("follows the user's settings.json", async () => {
    await writeFile(userFile, JSON.stringify({ listCheckpoints: false }));
    expect(await choose()).toEqual({ on: false, from: 'user' });
  });

  it("follows IT's pin over the user's file, either way", async () => {
    await writeFile(userFile, JSON.stringify({ listCheckpoints: true }));
    await policy({ listCheckpoints: false });
    expect(await choose()).toEqual({ on: false, from: 'managed' });
    await writeFile(userFile, JSON.stringify({ listCheckpoints: false }));
    await policy({ listCheckpoints: true });
    expect(await choose()).toEqual({ on: true, from: 'managed' });
  });

  it("falls back to the user's file when IT's policy pins other settings only", async () => {
    await writeFile(userFile, JSON.stringify({ listCheckpoints: false }));
    await policy({ ledgerEnvelope: 'v3' });
    expect(await choose()).toEqual({ on: false, from: 'user' });
  });
});

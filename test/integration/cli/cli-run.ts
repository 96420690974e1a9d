// Runs the command line as `npm run cli` does (node scripts/cli.mjs: the bundle, rebuilt when stale) in a child
// process, with the real keychain (a fresh service name per run) and the real node's token in HC_LEDGER_TOKEN.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import keytar from 'keytar';
import { NODE_TOKEN } from '../charts/harness';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CliUser {
  readonly service = `HealthChain-cli16-test-${randomBytes(6).toString('hex')}`;
  readonly env: NodeJS.ProcessEnv;

  /**
   * `launcher`: a command the CLI runs under (its arguments, then `node scripts/cli.mjs …`), e.g. a private mount
   * namespace holding a managed-settings file (managed-policy.ts).
   */
  constructor(
    extra: NodeJS.ProcessEnv = {},
    private readonly launcher: string[] = [],
  ) {
    this.env = {
      ...process.env,
      HEALTHCHAIN_KEYCHAIN_SERVICE: this.service,
      HEALTHCHAIN_PASSWORD: 'correct horse battery staple',
      HEALTHCHAIN_CARD_KEY_SERVICE: `${this.service}-card-key`,
      HEALTHCHAIN_CARD_PIN: '480913',
      HC_LEDGER_TOKEN: NODE_TOKEN,
      ...extra,
    };
  }

  async cli(...args: string[]): Promise<CliResult> {
    try {
      const [file, ...before] = [...this.launcher, 'node'];
      const { stdout, stderr } = await run(file!, [...before, 'scripts/cli.mjs', ...args], {
        env: this.env,
        cwd: process.cwd(),
        timeout: 120_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  async clean(): Promise<void> {
    for (const s of [this.service, `${this.service}-card-key`])
      for (const { account } of await keytar.findCredentials(s)) await keytar.deletePassword(s, account);
  }
}

/** A suite's CLI users: `user` makes one, `cleanAll` (in afterAll) removes every one's keychain entries. */
export function cliUsers(): { user: (env?: NodeJS.ProcessEnv) => CliUser; cleanAll: () => Promise<void> } {
  const users: CliUser[] = [];
  return {
    user: (env = {}) => {
      const u = new CliUser(env);
      users.push(u);
      return u;
    },
    cleanAll: async () => {
      for (const u of users) await u.clean();
    },
  };
}

/** Bundles the CLI once before a file's tests, so no test pays (or races) the build. */
export async function buildCli(): Promise<void> {
  await run('node', ['scripts/build-cli.mjs'], { cwd: process.cwd(), timeout: 120_000 });
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signupWorkspace, TEST_PASSWORD } from '../support/fixtures.js';
import { ensureIsolatedBuild } from '../support/isolated-build.js';
import { startTestApp, TEST_CREDENTIALS_KEY, TEST_JWT_SECRET, type TestApp } from '../support/test-app.js';

const run = promisify(execFile);
/** The CLI as `npm run admin` runs it, compiled into this test's own folder. */
const CLI_ENTRY = 'src/cli/admin-cli.js';
let cliJs = '';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliJs, ...args], {
      env: { PATH: process.env.PATH ?? '', JWT_SECRET: TEST_JWT_SECRET, CREDENTIALS_KEY: TEST_CREDENTIALS_KEY, LOG_LEVEL: 'silent', ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function printedPassword(output: string): string {
  const match = /: (\S+)\n$/.exec(output);
  if (!match) throw new Error(`no password in ${JSON.stringify(output)}`);
  return match[1];
}

describe('npm run admin (the built CLI)', () => {
  let t: TestApp;

  beforeAll(async () => {
    cliJs = join(ensureIsolatedBuild('admin-cli', CLI_ENTRY), CLI_ENTRY);
    t = await startTestApp();
  }, 240_000);
  afterAll(async () => {
    await t.close();
  });

  it('reset-password against DATABASE_URL prints a new password and revokes the refresh tokens', async () => {
    const admin = await signupWorkspace(t);
    const session = await t.http().post('/api/auth/login').send({ email: admin.user.email, password: TEST_PASSWORD }).expect(200);
    const result = await cli({ DATABASE_URL: t.databaseUrl }, 'reset-password', admin.user.email);
    expect(result.code).toBe(0);
    const password = printedPassword(result.stdout);
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(result.stderr).not.toContain(password);
    await t.http().post('/api/auth/refresh').send({ refreshToken: session.body.refreshToken }).expect(401);
    await t.http().post('/api/auth/login').send({ email: admin.user.email, password: TEST_PASSWORD }).expect(401);
    await t.http().post('/api/auth/login').send({ email: admin.user.email, password }).expect(200);
  }, 60_000);

  it('an unknown email exits 1 with a message; a bad command exits with the usage', async () => {
    const unknown = await cli({ DATABASE_URL: t.databaseUrl }, 'reset-password', 'nobody-here@example.com');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No user with the email nobody-here@example.com');
    expect(unknown.stdout).toBe('');
    const usage = await cli({ DATABASE_URL: t.databaseUrl }, 'launch-rockets');
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toContain('usage:');
  }, 60_000);

  it('create-admin then reset-password against an embedded server in a temporary DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-cli-data-'));
    chmodSync(dataDir, 0o755); // the server runs as the unprivileged postgres user
    try {
      const created = await cli({ DATA_DIR: dataDir }, 'create-admin', 'root@example.com');
      expect(created.code).toBe(0);
      const first = printedPassword(created.stdout);
      const again = await cli({ DATA_DIR: dataDir }, 'create-admin', 'root@example.com');
      expect(again.code).toBe(1);
      const reset = await cli({ DATA_DIR: dataDir }, 'reset-password', 'ROOT@example.com');
      expect(reset.code).toBe(0);
      expect(printedPassword(reset.stdout)).not.toBe(first);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

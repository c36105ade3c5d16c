import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashPassword } from '../auth/password-hasher.js';
import { RefreshTokensRepository } from '../auth/sessions/refresh-tokens.repository.js';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source.options.js';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { runMigrationsLocked } from '../database/run-migrations.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkspaceEntity } from '../workspaces/entities/workspace.entity.js';

// `npm run admin -- reset-password <email>` / `create-admin <email>`: against DATABASE_URL, or the embedded
// server in DATA_DIR (while the app is stopped: the server's data directory has one owner).
const USAGE = 'usage: npm run admin -- reset-password <email> | create-admin <email>';
const GENERATED_PASSWORD_BYTES = 12;

class CliError extends Error {}

async function resetPassword(source: DataSource, email: string): Promise<string> {
  const users = new UsersRepository(source);
  const user = await users.getByEmailWithPassword(email);
  if (!user) throw new CliError(`No user with the email ${email}`);
  const password = randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
  const passwordHash = await hashPassword(password);
  await source.transaction(async (manager) => {
    await users.update(user.workspaceId, user.id, { passwordHash }, manager);
    await new RefreshTokensRepository(source).revokeAllOfUser(user.workspaceId, user.id, manager);
  });
  return password;
}

/** An admin of a new workspace (the email must be free). */
async function createAdmin(source: DataSource, email: string): Promise<string> {
  const users = new UsersRepository(source);
  if (await users.emailTaken(email)) throw new CliError(`The email ${email} is already registered`);
  const password = randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
  const passwordHash = await hashPassword(password);
  await source.transaction(async (manager) => {
    const workspace = await manager.getRepository(WorkspaceEntity).save({ name: 'Workspace' });
    await users.insert({ workspaceId: workspace.id, email, name: email.split('@')[0], role: 'admin', passwordHash }, manager);
  });
  return password;
}

async function main(args: string[]): Promise<number> {
  const [command, rawEmail] = args;
  const email = rawEmail?.trim();
  if ((command !== 'reset-password' && command !== 'create-admin') || !email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, (line) => process.stderr.write(`${line}\n`));
  const source = new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url));
  try {
    await source.initialize();
    await runMigrationsLocked(source);
    const password = command === 'reset-password' ? await resetPassword(source, email) : await createAdmin(source, email);
    // The one place the password is shown: the operator's terminal.
    process.stdout.write(`${command === 'reset-password' ? 'New password' : 'Admin created'} for ${email}: ${password}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  } finally {
    if (source.isInitialized) await source.destroy();
    await embedded?.stop();
  }
}

// Exits explicitly: embedded-postgres' exit hooks would otherwise end the process with code 0.
process.exit(await main(process.argv.slice(2)));

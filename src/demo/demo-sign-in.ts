import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_ADMIN, DEMO_AGENTS } from './demo-cast.js';

/** Kept in DATA_DIR beside the database it belongs to: deleting the folder resets both. */
export const SIGN_IN_FILE = 'demo-sign-in.json';
const PASSWORD_BYTES = 12;
const OWNER_ONLY = 0o600;

export interface DemoAccount {
  email: string;
  name: string;
  password: string;
}

export interface DemoSignIn {
  admin: DemoAccount;
  agents: DemoAccount[];
  /** When the history was seeded; absent until it was, so an interrupted first run seeds again. */
  seededAt?: string;
}

const newPassword = () => randomBytes(PASSWORD_BYTES).toString('base64url');

/** The demo's accounts: read from DATA_DIR, or made up (random passwords) on the first run. */
export function loadOrCreateSignIn(dataDir: string): DemoSignIn {
  const file = join(dataDir, SIGN_IN_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSignIn;
  const signIn: DemoSignIn = {
    admin: { ...DEMO_ADMIN, password: newPassword() },
    agents: DEMO_AGENTS.map((agent) => ({ email: agent.email, name: agent.name, password: newPassword() })),
  };
  saveSignIn(dataDir, signIn);
  return signIn;
}

export function saveSignIn(dataDir: string, signIn: DemoSignIn): void {
  writeFileSync(join(dataDir, SIGN_IN_FILE), `${JSON.stringify(signIn, null, 2)}\n`, { mode: OWNER_ONLY });
}

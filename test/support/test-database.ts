import { randomBytes } from 'node:crypto';
import pg from 'pg';

function serverUrl(): string {
  const url = process.env.CRM_TEST_SERVER_URL;
  if (!url) throw new Error('CRM_TEST_SERVER_URL is not set: run tests through jest (test/support/global-setup.ts)');
  return url;
}

/** A fresh, empty database on the test server, so test files never see each other's rows or events. */
export async function createTestDatabase(): Promise<string> {
  const name = `crm_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

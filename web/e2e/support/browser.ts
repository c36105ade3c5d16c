import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './paths';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One agent's browser: Debian's chromium with a fresh profile (its own storage, locks and tabs). */
export class AgentBrowser {
  private constructor(
    readonly context: BrowserContext,
    private readonly profileDir: string,
  ) {}

  static async launch(): Promise<AgentBrowser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'crm-inbox-chromium-'));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    return new AgentBrowser(context, profileDir);
  }

  async newPage(): Promise<Page> {
    const blank = this.context.pages().find((page) => page.url() === 'about:blank');
    return blank ?? this.context.newPage();
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/inbox`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForConnection(page, 'live');
}

export async function waitForConnection(page: Page, state: string, timeout = 15_000): Promise<void> {
  await page.locator(`[data-testid="connection-indicator"][data-state="${state}"]`).waitFor({ timeout });
}

/** Requests a page makes to the API, except the event stream. */
export function recordApiRequests(page: Page): { urls: string[]; streams: string[] } {
  const log = { urls: [] as string[], streams: [] as string[] };
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (!path.startsWith('/api/')) return;
    if (path === '/api/events/stream') log.streams.push(request.url());
    else log.urls.push(`${request.method()} ${path}`);
  });
  return log;
}

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

/** Screenshots go to docs/ only when asked (`npm --prefix web run screenshots`), never on a plain test run. */
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ? resolve(process.env.E2E_SCREENSHOT_DIR) : null;

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, name) });
}

const CSP_MARKER = '[securitypolicyviolation]';

/**
 * Content-Security-Policy violations in any page of the context: the browser's own console reports and the
 * `securitypolicyviolation` events (re-logged by an init script, so both arrive as console messages).
 */
export async function recordCspViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.addInitScript((marker: string) => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`${marker} ${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  }, CSP_MARKER);
  context.on('console', (message) => {
    const text = message.text();
    if (text.includes(CSP_MARKER) || /Content Security Policy/i.test(text)) violations.push(text);
  });
  return violations;
}

const TOKEN_ISSUERS = new Set(['/api/auth/login', '/api/auth/refresh', '/api/auth/password']);

/** Every access token the server handed to pages of the context (to look for them where they must not be). */
export function recordIssuedTokens(context: BrowserContext): string[] {
  const tokens: string[] = [];
  context.on('response', (response) => {
    if (!TOKEN_ISSUERS.has(new URL(response.url()).pathname) || !response.ok()) return;
    response
      .json()
      .then((body: { accessToken?: unknown }) => {
        if (typeof body.accessToken === 'string') tokens.push(body.accessToken);
      })
      .catch(() => undefined); // a body already discarded by a navigation
  });
  return tokens;
}

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatforms, type FakePlatforms } from '../../test/support/fake-platforms';
import { ApiClient, deliverFacebookMessage } from './support/api-client';
import {
  AgentBrowser,
  recordApiRequests,
  recordCspViolations,
  recordIssuedTokens,
  screenshot,
  signIn,
  waitForConnection,
} from './support/browser';
import { ServerProcess } from './support/server';

/** Short enough that a few expiries fit in one test, long enough for a renewal a quarter before it (1 s). */
const TOKEN_LIFETIME_S = 4;
const EXPIRIES = 3;
const PASSWORD = 'agent-password-123';
const PAGE_ID = '304729381029386';
const agent = { email: 'giang@example.com', name: 'Giang Ho', id: '' };

let fake: FakePlatforms;
let server: ServerProcess;
let browser: AgentBrowser;
let page: Page;
let violations: string[];
let issuedTokens: string[];

/** A fresh admin client: admin tokens expire as quickly as the console's. */
const asAdmin = () => ApiClient.signIn(server.baseUrl, server.adminEmail, server.adminPassword);

/** The numbers of the `msg-N` messages in the open thread, in screen order. */
async function threadNumbers(target: Page): Promise<number[]> {
  const texts = await target.getByTestId('message').allTextContents();
  return texts.flatMap((text) => {
    const match = /msg-(\d+), please/.exec(text);
    return match ? [Number(match[1])] : [];
  });
}

/** Whether the sign-in form was ever rendered in this page since it loaded. */
const signInSeen = (target: Page) => target.evaluate(() => (window as { signInSeen?: boolean }).signInSeen === true);

/** Every state the connection indicator showed since the page loaded, in order. */
const indicatorStates = (target: Page) =>
  target.evaluate(() => (window as { indicatorStates?: string[] }).indicatorStates ?? []);

const accountButton = (target: Page) => target.getByRole('button', { name: `${agent.name} (agent)` });

beforeAll(async () => {
  fake = await startFakePlatforms();
  server = await ServerProcess.create({
    ...fake.env(),
    JWT_EXPIRES_IN: `${TOKEN_LIFETIME_S}s`,
    SSE_HEARTBEAT_MS: '5000',
    SSE_RETRY_MS: '1000',
  });
  await server.start();
  const admin = await asAdmin();
  agent.id = (await admin.createAgent(agent.email, agent.name, PASSWORD)).id;
  await admin.createFacebookChannel(PAGE_ID, 'Da Nang Tea (Facebook)', [agent.id]);
  browser = await AgentBrowser.launch();
  violations = await recordCspViolations(browser.context);
  issuedTokens = recordIssuedTokens(browser.context);
  // Remembers, across the page's life, whether the sign-in form was ever shown and each indicator state.
  await browser.context.addInitScript(() => {
    const seen = window as { signInSeen?: boolean; indicatorStates?: string[] };
    seen.indicatorStates = [];
    new MutationObserver(() => {
      if (document.querySelector('.sign-in')) seen.signInSeen = true;
      const state = document.querySelector('[data-testid="connection-indicator"]')?.getAttribute('data-state');
      if (state && state !== seen.indicatorStates?.at(-1)) seen.indicatorStates?.push(state);
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await fake?.close();
});

describe('console sessions with short-lived access tokens', () => {
  const psid = `psid-sessions-${Date.now()}`;
  let sent = 0;
  const deliver = () =>
    deliverFacebookMessage(server.baseUrl, { pageId: PAGE_ID, psid, text: `Tea order msg-${++sent}, please` });

  it(`stays on the inbox across ${EXPIRIES} expiries while webhooks arrive: every message once, in order`, async () => {
    page = await browser.newPage();
    const document = await page.goto(`${server.baseUrl}/inbox`);
    expect(document?.headers()['content-security-policy']).toContain("script-src 'self'");
    await signIn(page, server.baseUrl, agent.email, PASSWORD);
    expect(await signInSeen(page)).toBe(true); // the observer works: it saw the form used to sign in
    await page.evaluate(() => ((window as { signInSeen?: boolean }).signInSeen = false));

    await deliver();
    await page.getByTestId('conversation-item').first().click();
    await page.getByTestId('message').first().waitFor({ timeout: 5_000 });
    const requests = recordApiRequests(page);
    const statesBefore = (await indicatorStates(page)).length;
    const refreshes: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/auth/refresh') refreshes.push(response.status());
    });

    const until = Date.now() + (EXPIRIES + 0.5) * TOKEN_LIFETIME_S * 1000;
    while (Date.now() < until) {
      await deliver();
      await page.waitForTimeout(300);
    }
    await expect.poll(() => threadNumbers(page), { timeout: 5_000 }).toHaveLength(sent);
    expect(await threadNumbers(page)).toEqual(Array.from({ length: sent }, (_, index) => index + 1));
    expect(refreshes.length).toBeGreaterThanOrEqual(EXPIRIES);
    expect(refreshes.every((status) => status === 200)).toBe(true);
    // The stream followed each renewal: a new ticket and a resume from the last event, no gap.
    expect(requests.streams.length).toBeGreaterThanOrEqual(EXPIRIES);
    for (const url of requests.streams) expect(new URL(url).searchParams.get('lastEventId')).toMatch(/^\d+$/);
    await waitForConnection(page, 'live', 5_000);
    // A renewal switches streams without an outage: the indicator never claimed one.
    expect((await indicatorStates(page)).slice(statesBefore)).not.toContain('reconnecting');
    expect(await signInSeen(page)).toBe(false);
    expect(page.url()).toContain('/inbox');
  });

  it('a reload stays signed in through the cookie; no token in localStorage or sessionStorage', async () => {
    await page.reload();
    await waitForConnection(page, 'live');
    expect(await signInSeen(page)).toBe(false);
    await deliver();
    await expect.poll(() => threadNumbers(page), { timeout: 5_000 }).toHaveLength(sent);
    expect(await threadNumbers(page)).toEqual(Array.from({ length: sent }, (_, index) => index + 1));

    const stored = await page.evaluate(() =>
      [localStorage, sessionStorage].flatMap((storage) =>
        Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`),
      ),
    );
    expect(issuedTokens.length).toBeGreaterThan(EXPIRIES);
    for (const token of issuedTokens) expect(stored.join('\n')).not.toContain(token);
    expect(stored.join('\n')).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // nothing shaped like a JWT either
    expect(await page.evaluate(() => document.cookie)).not.toContain('crm_refresh'); // HttpOnly
  });

  it('two tabs keep working across an expiry; signing out in one sends the other to sign-in', async () => {
    const second = await browser.context.newPage();
    await second.goto(page.url());
    await waitForConnection(second, 'live');
    await second.waitForTimeout(TOKEN_LIFETIME_S * 1000 + 500);
    await deliver();
    for (const tab of [page, second]) {
      await expect.poll(() => threadNumbers(tab), { timeout: 5_000 }).toHaveLength(sent);
      await waitForConnection(tab, 'live', 5_000);
      expect(await signInSeen(tab)).toBe(false);
    }

    await accountButton(second).click();
    await second.getByRole('menu', { name: 'Account' }).waitFor();
    await screenshot(second, 'account-menu.png');
    await second.getByRole('menuitem', { name: 'Sign out' }).click();
    for (const tab of [second, page]) {
      await tab.getByRole('heading', { name: 'Sign in to crm-inbox' }).waitFor({ timeout: 5_000 });
      expect(await tab.getByText('You signed out.').count()).toBe(1);
    }
    // The cookie is gone with the session: a reload stays signed out.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to crm-inbox' }).waitFor({ timeout: 5_000 });
    await second.close();
  });

  it('a password change in another sign-in ends this one at its next renewal, with a message', async () => {
    await signIn(page, server.baseUrl, agent.email, PASSWORD);
    const elsewhere = await ApiClient.signIn(server.baseUrl, agent.email, PASSWORD);
    await elsewhere.call('POST', '/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'a-new-agent-password-456',
    });
    const ended = page.getByTestId('session-ended');
    await ended.waitFor({ timeout: TOKEN_LIFETIME_S * 1000 + 2_000 });
    expect(await ended.textContent()).toMatch(/session ended/i);
    expect(await page.getByRole('heading', { name: 'Sign in to crm-inbox' }).count()).toBe(1);
    expect(await page.getByTestId('connection-indicator').count()).toBe(0);
  });

  it('the console document carries the CSP, and the browser reported no violation all along', async () => {
    const answer = await fetch(`${server.baseUrl}/inbox`);
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(violations).toEqual([]);
    // The recorder itself works: an inline script, which the policy forbids, is reported.
    await page.evaluate(() => {
      const inline = document.createElement('script');
      inline.textContent = 'window.inlineRan = true';
      document.body.append(inline);
    });
    await expect.poll(() => violations.length, { timeout: 2_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
  });
});

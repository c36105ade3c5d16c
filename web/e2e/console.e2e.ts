import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatforms, type FakePlatforms } from '../../test/support/fake-platforms';
import { ApiClient, deliverFacebookMessage } from './support/api-client';
import { AgentBrowser, recordApiRequests, signIn, waitForConnection } from './support/browser';
import { ServerProcess } from './support/server';

/** The bar for a webhook message to reach every allowed agent's screen. */
const LIVE_DELIVERY_MS = 1_000;
const IDLE_WINDOW_MS = 60_000;
const PASSWORD = 'agent-password-123';
const PAGE_ID = '104729381029384';
/** Screenshots go to docs/ only when asked (`npm --prefix web run screenshots`), never on a plain test run. */
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ? resolve(process.env.E2E_SCREENSHOT_DIR) : null;

let fake: FakePlatforms;
let server: ServerProcess;
let admin: ApiClient;
const agents = {
  alice: { email: 'alice@example.com', name: 'Alice Nguyen', id: '' },
  bao: { email: 'bao@example.com', name: 'Bao Tran', id: '' },
  chi: { email: 'chi@example.com', name: 'Chi Le (other team)', id: '' },
};
const browsers: AgentBrowser[] = [];

async function launch(): Promise<AgentBrowser> {
  const browser = await AgentBrowser.launch();
  browsers.push(browser);
  return browser;
}

async function closeBrowser(browser: AgentBrowser): Promise<void> {
  browsers.splice(browsers.indexOf(browser), 1);
  await browser.close();
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, name) });
}

const messageBubble = (page: Page, text: string) => page.getByTestId('message').filter({ hasText: text });

let psidSequence = 0;
const newPsid = (): string => `psid-${Date.now()}-${++psidSequence}`;

beforeAll(async () => {
  fake = await startFakePlatforms();
  server = await ServerProcess.create({ ...fake.env(), SSE_HEARTBEAT_MS: '5000', SSE_RETRY_MS: '1000' });
  await server.start();
  admin = await ApiClient.signIn(server.baseUrl, server.adminEmail, server.adminPassword);
  for (const agent of Object.values(agents)) {
    agent.id = (await admin.createAgent(agent.email, agent.name, PASSWORD)).id;
  }
  await admin.createFacebookChannel(PAGE_ID, 'Saigon Shoes (Facebook)', [agents.alice.id, agents.bao.id]);
});

afterAll(async () => {
  for (const browser of [...browsers]) await browser.close();
  await server?.dispose();
  await fake?.close();
});

describe('web console in a real browser', () => {
  let alice: AgentBrowser;
  let alicePage: Page;
  let baoPage: Page;
  const firstCustomer = { psid: newPsid(), name: '' };

  it('(1) a signed webhook reaches both agents of the channel within 1 s, and not an agent without access', async () => {
    alice = await launch();
    const bao = await launch();
    const chi = await launch();
    alicePage = await alice.newPage();
    baoPage = await bao.newPage();
    const chiPage = await chi.newPage();
    await Promise.all([
      signIn(alicePage, server.baseUrl, agents.alice.email, PASSWORD),
      signIn(baoPage, server.baseUrl, agents.bao.email, PASSWORD),
      signIn(chiPage, server.baseUrl, agents.chi.email, PASSWORD),
    ]);

    // A new customer writes: the conversation shows up in both inboxes, no reload.
    await deliverFacebookMessage(server.baseUrl, {
      pageId: PAGE_ID,
      psid: firstCustomer.psid,
      text: 'Hello, are you open today?',
    });
    await Promise.all([
      alicePage.getByTestId('conversation-item').first().waitFor({ timeout: 5_000 }),
      baoPage.getByTestId('conversation-item').first().waitFor({ timeout: 5_000 }),
    ]);
    // Naming the new customer renames the conversation on both screens (customer_updated).
    const [conversation] = await admin.conversations();
    firstCustomer.name = 'Lan Anh';
    await admin.call('PATCH', `/api/customers/${conversation.customerId}`, {
      name: firstCustomer.name,
      phone: '+84 93 210 4455',
    });
    await Promise.all([
      alicePage
        .getByTestId('conversation-item')
        .filter({ hasText: firstCustomer.name })
        .waitFor({ timeout: 2_000 }),
      baoPage
        .getByTestId('conversation-item')
        .filter({ hasText: firstCustomer.name })
        .waitFor({ timeout: 2_000 }),
    ]);
    await alicePage.getByTestId('conversation-item').first().click();
    await baoPage.getByTestId('conversation-item').first().click();
    await messageBubble(alicePage, 'Hello, are you open today?').waitFor();
    await messageBubble(baoPage, 'Hello, are you open today?').waitFor();

    const text = 'Do you have the white sneakers in size 42?';
    const sentAt = Date.now();
    await deliverFacebookMessage(server.baseUrl, { pageId: PAGE_ID, psid: firstCustomer.psid, text });
    await Promise.all([
      messageBubble(alicePage, text).waitFor({ timeout: LIVE_DELIVERY_MS }),
      messageBubble(baoPage, text).waitFor({ timeout: LIVE_DELIVERY_MS }),
    ]);
    expect(Date.now() - sentAt).toBeLessThan(LIVE_DELIVERY_MS);

    // Chi is live too, yet sees neither the conversation nor its messages.
    await chiPage.waitForTimeout(500);
    await waitForConnection(chiPage, 'live', 1_000);
    expect(await chiPage.getByTestId('conversation-item').count()).toBe(0);
    expect(await chiPage.getByText(text).count()).toBe(0);
    expect(await chiPage.getByText('No conversations match.').count()).toBe(1);
    await closeBrowser(chi);
  });

  it('(2) an agent reply shows pending, then sent once the platform accepts it', async () => {
    fake.script('facebook', { ...fake.replies.facebook.success(), delayMs: 1_500 });
    const reply = 'Yes! Size 42 is in stock, want me to hold a pair?';
    await alicePage.getByLabel('Reply').fill(reply);
    await alicePage.getByLabel('Reply').press('Enter');
    const bubble = messageBubble(alicePage, reply);
    await expect.poll(() => bubble.getAttribute('data-status'), { timeout: 1_000 }).toBe('pending');
    await expect.poll(() => bubble.getAttribute('data-status'), { timeout: 15_000 }).toBe('sent');
    expect(await bubble.count()).toBe(1);
    // The other agent's screen follows the same reply.
    await expect
      .poll(() => messageBubble(baoPage, reply).getAttribute('data-status'), { timeout: 5_000 })
      .toBe('sent');
    const [request] = await fake.waitForRequests('facebook', 1);
    expect(JSON.stringify(request.body)).toContain(reply);
    await screenshot(alicePage, 'inbox.png');
  });

  it('(3) server stopped → reconnecting; restarted → what was committed meanwhile appears exactly once', async () => {
    const streams = recordApiRequests(alicePage);
    await server.stop();
    await waitForConnection(alicePage, 'reconnecting', 10_000);
    await expect
      .poll(() => alicePage.getByTestId('connection-indicator').textContent())
      .toMatch(/Reconnecting/);

    // Hold Alice's browser back until the events below are committed, as a long backoff wait would.
    const ticketRoute = '**/api/events/ticket';
    await alicePage.route(ticketRoute, (route) => route.abort('connectionrefused'));
    await server.start();
    const missed = ['Are you still there?', 'I can come by at 5pm.'];
    const newcomerPsid = newPsid();
    for (const text of missed)
      await deliverFacebookMessage(server.baseUrl, { pageId: PAGE_ID, psid: firstCustomer.psid, text });
    await deliverFacebookMessage(server.baseUrl, {
      pageId: PAGE_ID,
      psid: newcomerPsid,
      text: 'Hi from a new customer',
    });

    expect(await alicePage.getByTestId('connection-indicator').getAttribute('data-state')).toBe(
      'reconnecting',
    );
    expect(await messageBubble(alicePage, missed[0]).count()).toBe(0);
    await alicePage.unroute(ticketRoute);

    await waitForConnection(alicePage, 'live', 45_000);
    for (const text of missed) await messageBubble(alicePage, text).waitFor({ timeout: 5_000 });
    await expect.poll(() => alicePage.getByTestId('conversation-item').count(), { timeout: 5_000 }).toBe(2);
    await alicePage.waitForTimeout(1_000); // any duplicate would have landed by now
    for (const text of missed) expect(await messageBubble(alicePage, text).count()).toBe(1);
    expect(await alicePage.getByTestId('conversation-item').count()).toBe(2);
    const resumed = streams.streams.at(-1) ?? '';
    expect(new URL(resumed).searchParams.get('lastEventId')).toMatch(/^\d+$/);
    // Bao's browser came back on its own as well.
    await waitForConnection(baoPage, 'live', 45_000);
    for (const text of missed) expect(await messageBubble(baoPage, text).count()).toBe(1);
  });

  it('(5) idle for 60 s: no API request besides the open stream and the open thread’s viewing reports', async () => {
    await waitForConnection(alicePage, 'live');
    await alicePage.waitForTimeout(2_000); // let acks of earlier events go out
    const log = recordApiRequests(alicePage);
    await alicePage.waitForTimeout(IDLE_WINDOW_MS);
    // The open thread tells colleagues "viewing" (a report, not a fetch); nothing else goes out.
    const viewingReport = /^POST \/api\/conversations\/[^/]+\/activity$/;
    expect(log.urls.filter((url) => !viewingReport.test(url))).toEqual([]);
    expect(log.streams).toEqual([]); // the one stream stayed open the whole time
    await waitForConnection(alicePage, 'live', 1_000);
  });

  it('(4) three tabs of one agent hold one stream; closing the leader keeps the others live', async () => {
    for (const browser of [...browsers]) await closeBrowser(browser);
    for (const [index, name] of ['Mai Pham', 'Quang Vo', 'Linh Dang', 'Tuan Hoang'].entries()) {
      const email = `${name.split(' ')[0].toLowerCase()}@example.com`;
      await admin.createCustomer({ name, phone: `+84 90 ${1234 + index * 1111} 678`, email });
    }
    await expect.poll(() => admin.openStreams(), { timeout: 10_000 }).toBe(0);

    const browser = await launch();
    const first = await browser.newPage();
    await signIn(first, server.baseUrl, agents.alice.email, PASSWORD);
    const second = await browser.context.newPage();
    const third = await browser.context.newPage();
    const streamRequests: Array<{ page: Page; url: string }> = [];
    for (const page of [first, second, third]) {
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/api/events/stream')
          streamRequests.push({ page, url: request.url() });
      });
    }
    await second.goto(`${server.baseUrl}/customers`);
    await third.goto(`${server.baseUrl}/customers`);
    await Promise.all([first, second, third].map((page) => waitForConnection(page, 'live')));

    const roles = await Promise.all(
      [first, second, third].map((page) =>
        page.getByTestId('connection-indicator').getAttribute('data-role'),
      ),
    );
    expect(roles.filter((role) => role === 'leader')).toHaveLength(1);
    expect(await admin.openStreams()).toBe(1);
    expect(streamRequests.filter((request) => request.page !== first)).toEqual([]);

    // Followers get the leader's events relayed.
    const before = await admin.createCustomer({
      name: 'Hanh Bui',
      email: 'hanh@example.com',
      notes: 'Prefers Zalo',
    });
    for (const page of [second, third])
      await page.locator(`[data-customer-id="${before.id}"]`).waitFor({ timeout: 3_000 });

    await first.close(); // the leader's tab
    // Committed while no tab holds a stream: the tab that takes over resumes from its last id and gets it.
    const during = await admin.createCustomer({
      name: 'Minh Do',
      phone: '+84 91 555 0101',
      notes: 'Asked for a refund',
    });
    for (const page of [second, third]) {
      await page.locator(`[data-customer-id="${during.id}"]`).waitFor({ timeout: 5_000 });
      await waitForConnection(page, 'live', 1_000);
    }
    const takeover = streamRequests.at(-1);
    expect(takeover?.page).not.toBe(first);
    expect(new URL(takeover?.url ?? 'http://x').searchParams.get('lastEventId')).toMatch(/^\d+$/);
    expect(await admin.openStreams()).toBe(1);

    const after = await admin.createCustomer({ name: 'Thao Ngo', email: 'thao@example.com' });
    for (const page of [second, third]) {
      await page.locator(`[data-customer-id="${after.id}"]`).waitFor({ timeout: 3_000 });
      expect(await page.locator(`[data-customer-id="${during.id}"]`).count()).toBe(1);
    }
    expect(await admin.openStreams()).toBe(1);
    await screenshot(second, 'customers.png');
  });
});

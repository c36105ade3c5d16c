import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatforms, type FakePlatforms } from '../../test/support/fake-platforms';
import type { Conversation } from '../src/api/models';
import { ApiClient, deliverFacebookMessage } from './support/api-client';
import { AgentBrowser, signIn } from './support/browser';
import { ServerProcess } from './support/server';

const PASSWORD = 'agent-password-123';
const PAGE_ID = '204729381029385';
/** Activity reports are relayed within 2 s (docs/api.md); the typing report itself goes out at once. */
const ACTIVITY_SEEN_MS = 5_000;
/** How long to keep listening for a second, wrong notification. */
const QUIET_WINDOW_MS = 3_000;
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ? resolve(process.env.E2E_SCREENSHOT_DIR) : null;

let fake: FakePlatforms;
let server: ServerProcess;
let admin: ApiClient;
const agents = {
  alice: { email: 'alice.attention@example.com', name: 'Alice Nguyen', id: '' },
  bao: { email: 'bao.attention@example.com', name: 'Bao Tran', id: '' },
};
const browsers: AgentBrowser[] = [];

async function launch(): Promise<AgentBrowser> {
  const browser = await AgentBrowser.launch();
  browsers.push(browser);
  return browser;
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, name) });
}

let psidSequence = 0;
const newPsid = (): string => `psid-attention-${Date.now()}-${++psidSequence}`;

/** A new customer writes; answers their conversation once the server has it. */
async function newCustomerConversation(text: string, name: string): Promise<Conversation> {
  const psid = newPsid();
  await deliverFacebookMessage(server.baseUrl, { pageId: PAGE_ID, psid, text });
  let found: Conversation | undefined;
  await expect
    .poll(
      async () => {
        found = (await admin.conversations()).find((c) => c.lastMessage?.content === text);
        return found !== undefined;
      },
      { timeout: 5_000 },
    )
    .toBe(true);
  const conversation = found as Conversation;
  await admin.call('PATCH', `/api/customers/${conversation.customerId}`, { name });
  (conversation as Conversation & { psid: string }).psid = psid;
  return conversation;
}
const psidOf = (conversation: Conversation): string => (conversation as Conversation & { psid: string }).psid;
const row = (page: Page, name: string) => page.getByTestId('conversation-item').filter({ hasText: name });

beforeAll(async () => {
  fake = await startFakePlatforms();
  server = await ServerProcess.create({ ...fake.env(), SSE_HEARTBEAT_MS: '5000', SSE_RETRY_MS: '1000' });
  await server.start();
  admin = await ApiClient.signIn(server.baseUrl, server.adminEmail, server.adminPassword);
  for (const agent of Object.values(agents)) {
    agent.id = (await admin.createAgent(agent.email, agent.name, PASSWORD)).id;
  }
  await admin.createFacebookChannel(PAGE_ID, 'Hanoi Bags (Facebook)', [agents.alice.id, agents.bao.id]);
});

afterAll(async () => {
  for (const browser of [...browsers]) await browser.close();
  await server?.dispose();
  await fake?.close();
});

describe('attention and collision in a real browser', () => {
  let alicePage: Page;
  let baoPage: Page;
  let shared: Conversation;

  it('(1) the unread badge and the tab title follow new messages and reading', async () => {
    alicePage = await (await launch()).newPage();
    baoPage = await (await launch()).newPage();
    await Promise.all([
      signIn(alicePage, server.baseUrl, agents.alice.email, PASSWORD),
      signIn(baoPage, server.baseUrl, agents.bao.email, PASSWORD),
    ]);
    shared = await newCustomerConversation('Is the leather tote still available?', 'Minh Chau');
    await newCustomerConversation('Do you deliver to Da Nang?', 'Hoa Pham');
    await expect.poll(() => row(baoPage, 'Minh Chau').getByTestId('unread-badge').textContent()).toBe('1');
    await expect.poll(() => baoPage.title()).toBe('(2) crm-inbox');

    await deliverFacebookMessage(server.baseUrl, {
      pageId: PAGE_ID,
      psid: psidOf(shared),
      text: 'In brown, please',
    });
    await expect.poll(() => row(baoPage, 'Minh Chau').getByTestId('unread-badge').textContent()).toBe('2');
    await expect
      .poll(() => row(baoPage, 'Minh Chau').getByTestId('last-message').textContent())
      .toBe('In brown, please');
    await expect
      .poll(() => row(baoPage, 'Minh Chau').getByTestId('waiting').textContent())
      .toMatch(/^waiting/);
    await screenshot(baoPage, 'attention-list.png');

    // Opening it reads it: the badge goes, the title counts one conversation fewer, in this browser only.
    await row(baoPage, 'Minh Chau').click();
    await expect.poll(() => row(baoPage, 'Minh Chau').getByTestId('unread-badge').count()).toBe(0);
    await expect.poll(() => baoPage.title()).toBe('(1) crm-inbox');
    expect(await row(alicePage, 'Minh Chau').getByTestId('unread-badge').textContent()).toBe('2');
    expect(await alicePage.title()).toBe('(2) crm-inbox');
  });

  it('(2) two agents in two browsers see each other viewing and typing', async () => {
    await row(alicePage, 'Minh Chau').click();
    await alicePage.getByLabel('Reply').waitFor();
    await expect
      .poll(() => baoPage.getByTestId('activity').textContent(), { timeout: ACTIVITY_SEEN_MS })
      .toBe('Alice Nguyen is viewing');
    await alicePage.getByLabel('Reply').pressSequentially('We have it in brown', { delay: 40 });
    await expect
      .poll(() => baoPage.getByTestId('activity').textContent(), { timeout: ACTIVITY_SEEN_MS })
      .toBe('Alice Nguyen is typing…');
    await screenshot(baoPage, 'thread-typing.png');
    await baoPage.getByLabel('Reply').pressSequentially('One moment', { delay: 40 });
    await expect
      .poll(() => alicePage.getByTestId('activity').textContent(), { timeout: ACTIVITY_SEEN_MS })
      .toBe('Bao Tran is typing…');
    // Clearing the draft ends "typing" for the colleague at once (idle), without waiting for the TTL.
    await alicePage.getByLabel('Reply').fill('');
    await expect
      .poll(() => baoPage.getByTestId('activity').textContent(), { timeout: ACTIVITY_SEEN_MS })
      .not.toContain('typing');
    await baoPage.getByLabel('Reply').fill('');
  });

  it('(3) a 409 shows the customer’s new message and keeps the draft; Send anyway sends it', async () => {
    const draft = 'Yes, the brown one is in stock';
    const late = 'Actually, is there a black one?';
    let held = true;
    // The customer writes while the reply is on its way: deliver that message before the POST reaches the server.
    await baoPage.route('**/api/conversations/*/messages', async (route) => {
      if (route.request().method() === 'POST' && held) {
        held = false;
        await deliverFacebookMessage(server.baseUrl, { pageId: PAGE_ID, psid: psidOf(shared), text: late });
      }
      await route.continue();
    });
    await baoPage.getByLabel('Reply').fill(draft);
    await baoPage.getByLabel('Reply').press('Enter');
    const notice = baoPage.getByTestId('collision');
    await notice.waitFor({ timeout: 5_000 });
    expect(await notice.getByTestId('collision-message').allTextContents()).toEqual([`Customer: ${late}`]);
    expect(await baoPage.getByLabel('Reply').inputValue()).toBe(draft);
    expect(await baoPage.getByTestId('message').filter({ hasText: draft }).count()).toBe(0);

    await notice.getByRole('button', { name: 'Send anyway' }).click();
    await baoPage.getByTestId('message').filter({ hasText: draft }).waitFor({ timeout: 5_000 });
    expect(await baoPage.getByTestId('collision').count()).toBe(0);
    expect(await baoPage.getByLabel('Reply').inputValue()).toBe('');
    await baoPage.unroute('**/api/conversations/*/messages');
  });

  it('(4) three tabs of one browser show exactly one desktop notification for a new customer message', async () => {
    const browser = await launch();
    const notifications: string[] = [];
    await browser.context.exposeBinding('__countNotification', (_source, title: string) => {
      notifications.push(title);
    });
    await browser.context.addInitScript(() => {
      const count = (window as unknown as { __countNotification: (title: string) => void })
        .__countNotification;
      class CountedNotification {
        static permission = 'granted';
        static requestPermission = (): Promise<string> => Promise.resolve('granted');
        onclick: (() => void) | null = null;
        constructor(title: string) {
          count(title);
        }
        close(): void {}
      }
      Object.defineProperty(window, 'Notification', { value: CountedNotification, configurable: true });
    });
    const first = await browser.newPage();
    await signIn(first, server.baseUrl, agents.alice.email, PASSWORD);
    const others = [await browser.context.newPage(), await browser.context.newPage()];
    for (const page of others) await page.goto(`${server.baseUrl}/inbox`);
    for (const page of [first, ...others]) await page.getByTestId('conversation-item').first().waitFor();

    await newCustomerConversation('Hello, can I order two backpacks?', 'Tuan Le');
    await expect.poll(() => notifications.length, { timeout: 5_000 }).toBe(1);
    await first.waitForTimeout(QUIET_WINDOW_MS);
    expect(notifications).toHaveLength(1);
  });
});

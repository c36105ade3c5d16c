import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatforms, type FakePlatforms } from '../../test/support/fake-platforms';
import { ApiClient, deliverFacebookMessage, deliverTiktokMessage } from './support/api-client';
import { AgentBrowser, signIn } from './support/browser';
import { gradientPng } from './support/media-host';
import { ServerProcess } from './support/server';

const PASSWORD = 'agent-password-123';
const PAGE_ID = '204729381029385';
const HOUR_MS = 60 * 60 * 1000;
const TIKTOK_BUSINESS_ID = 'biz-7301928374';

let fake: FakePlatforms;
let server: ServerProcess;
let admin: ApiClient;
let browser: AgentBrowser | undefined;
/** The TikTok agent's own browser (its own sign-in). */
let tiktokBrowser: AgentBrowser | undefined;

beforeAll(async () => {
  fake = await startFakePlatforms();
  server = await ServerProcess.create({ ...fake.env(), SSE_HEARTBEAT_MS: '5000', SSE_RETRY_MS: '1000' });
  await server.start();
  admin = await ApiClient.signIn(server.baseUrl, server.adminEmail, server.adminPassword);
});

afterAll(async () => {
  await browser?.close();
  await tiktokBrowser?.close();
  await server?.dispose();
  await fake?.close();
});

describe('channel health in the console', () => {
  it('shows a closed reply window in the composer and the reconnect banner live', async () => {
    const agent = await admin.createAgent('dung@example.com', 'Dung Pham', PASSWORD);
    const channel = await admin.createFacebookChannel(PAGE_ID, 'Hanoi Bags (Facebook)', [agent.id]);
    // A customer who wrote 30 hours ago: outside Facebook's 24-hour window, no human-agent tag.
    await deliverFacebookMessage(server.baseUrl, {
      pageId: PAGE_ID,
      psid: `psid-old-${Date.now()}`,
      text: 'Are the bags back in stock?',
      timestamp: Date.now() - 30 * HOUR_MS,
    });
    const freshPsid = `psid-new-${Date.now()}`;
    await deliverFacebookMessage(server.baseUrl, { pageId: PAGE_ID, psid: freshPsid, text: 'Hello!' });

    browser = await AgentBrowser.launch();
    const page: Page = await browser.newPage();
    await signIn(page, server.baseUrl, 'dung@example.com', PASSWORD);
    const items = page.getByTestId('conversation-item');
    await items.nth(1).waitFor({ timeout: 10_000 });

    // The older conversation is listed last (newest activity first).
    await items.last().click();
    const notice = page.getByTestId('reply-window-notice');
    await notice.waitFor({ timeout: 5_000 });
    expect(await notice.textContent()).toContain('24 hours');
    expect(await page.getByLabel('Reply').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);

    // The page token stops working (Facebook error 190): the channel needs reconnecting, shown without a reload.
    await items.first().click();
    await page
      .getByTestId('reply-window-notice')
      .filter({ hasText: 'Window closes in' })
      .waitFor({ timeout: 5_000 });
    fake.script('facebook', fake.replies.facebook.invalidToken());
    const conversations = await admin.conversations();
    const fresh = conversations.find(
      (conversation) => conversation.lastMessageAt === conversations[0].lastMessageAt,
    )!;
    await admin.call('POST', `/api/conversations/${fresh.id}/messages`, { content: 'We have them again' });
    const banner = page.getByTestId('reconnect-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('Hanoi Bags (Facebook) needs reconnecting');
    // An agent is told, but gets no admin link.
    expect(await banner.getByRole('link').count()).toBe(0);
    expect(await page.getByTestId('reply-window-notice').textContent()).toContain(
      'Replies wait until the channel is reconnected',
    );
    const health = await admin.call<{ status: string }>('GET', `/api/channels/${channel.id}`);
    expect(health.status).toBe('needs_reconnect');
  });

  it("counts TikTok's messages left live and holds a draft that needs more", async () => {
    const agent = await admin.createAgent('thu@example.com', 'Thu Le', PASSWORD);
    await admin.createChannel('tiktok', TIKTOK_BUSINESS_ID, 'Hanoi Bags (TikTok)', [agent.id]);
    await deliverTiktokMessage(server.baseUrl, {
      businessId: TIKTOK_BUSINESS_ID,
      userId: `tt-user-${Date.now()}`,
      conversationId: `conv-e2e-${Date.now()}`,
      text: 'Do you ship to Da Nang?',
    });
    tiktokBrowser = await AgentBrowser.launch();
    const page: Page = await tiktokBrowser.newPage();
    await signIn(page, server.baseUrl, 'thu@example.com', PASSWORD);
    await page.getByTestId('conversation-item').click({ timeout: 10_000 });
    const notice = page.getByTestId('reply-window-notice');
    await notice.filter({ hasText: 'TikTok: 10 of 10 messages left' }).waitFor({ timeout: 5_000 });

    // Another agent's nine replies leave one message: the notice follows through conversation_updated.
    const [conversation] = (await admin.conversations()).filter((c) => c.platform === 'tiktok');
    for (let reply = 1; reply <= 9; reply++)
      await admin.call('POST', `/api/conversations/${conversation.id}/messages`, {
        content: `Reply ${reply}`,
      });
    await notice.filter({ hasText: 'TikTok: 1 of 10 messages left' }).waitFor({ timeout: 10_000 });

    // A text and a photo go out as two messages: Send waits, and says why beside it.
    await page.getByLabel('Reply').fill('Yes, here is the price list');
    const buffer = gradientPng(40, 30, [254, 44, 85], [37, 244, 238]);
    await page
      .getByTestId('attach-input')
      .setInputFiles({ name: 'prices.png', mimeType: 'image/png', buffer });
    await page.locator('[data-testid="attachment-chip"][data-status="ready"]').waitFor({ timeout: 10_000 });
    const send = page.getByRole('button', { name: 'Send' });
    expect(await page.getByTestId('send-over-budget').textContent()).toBe(
      'This goes out as 2 messages; TikTok allows 1 more until the customer writes',
    );
    expect(await send.isDisabled()).toBe(true);
    await page.getByLabel('Reply').fill('');
    expect(await send.isDisabled()).toBe(false);
  });
});

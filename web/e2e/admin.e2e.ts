import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatforms, type FakePlatforms } from '../../test/support/fake-platforms';
import type { User } from '../src/api/models';
import { ApiClient, deliverFacebookMessage } from './support/api-client';
import { AgentBrowser, screenshot, signIn } from './support/browser';
import { ServerProcess } from './support/server';

const PASSWORD = 'admin-password-123';
/** Events reach the other admin's screen in well under this (docs/realtime.md). */
const LIVE_MS = 3_000;
const CONNECT = {
  name: 'Hue Ceramics (Facebook)',
  pageId: '404729381029387',
  appSecret: 'e2e-admin-app-secret-7f3a',
  pageAccessToken: 'e2e-admin-page-token-SECRET-91c2',
  verifyToken: 'e2e-admin-verify-token-55d0',
};

let fake: FakePlatforms;
let server: ServerProcess;
let admin: ApiClient;
const people = {
  hoa: { email: 'hoa.admin@example.com', name: 'Hoa Dinh', id: '' },
  khanh: { email: 'khanh@example.com', name: 'Khanh Vu', id: '' },
};
const browsers: AgentBrowser[] = [];
let first: Page;
let second: Page;

async function openAs(email: string, password: string): Promise<Page> {
  const browser = await AgentBrowser.launch();
  browsers.push(browser);
  const page = await browser.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page, server.baseUrl, email, password);
  return page;
}

const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });
const channelRow = (page: Page, name: string) => page.getByTestId('channel-row').filter({ hasText: name });
const userRow = (page: Page, email: string) => page.getByTestId('user-row').filter({ hasText: email });
const memberBox = (page: Page, name: string) =>
  page.getByTestId('channel-members').getByLabel(`Member ${name}`, { exact: true });

async function gone(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'detached', timeout: LIVE_MS });
}

beforeAll(async () => {
  fake = await startFakePlatforms();
  server = await ServerProcess.create({ ...fake.env(), SSE_HEARTBEAT_MS: '5000', SSE_RETRY_MS: '1000' });
  await server.start();
  admin = await ApiClient.signIn(server.baseUrl, server.adminEmail, server.adminPassword);
  const { email, name } = people.hoa;
  people.hoa.id = (await admin.call<User>('POST', '/api/users', { email, name, password: PASSWORD, role: 'admin' })).id;
  people.khanh.id = (await admin.createAgent(people.khanh.email, people.khanh.name, PASSWORD)).id;
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await server?.dispose();
  await fake?.close();
});

describe('admin screens in a real browser', () => {
  it('connects a Facebook page through the form: webhook URL and verify token shown, secrets only "set"; its webhook shows live', async () => {
    [first, second] = await Promise.all([
      openAs(server.adminEmail, server.adminPassword),
      openAs(people.hoa.email, PASSWORD),
    ]);
    await Promise.all([nav(first, 'Channels').click(), nav(second, 'Channels').click()]);
    await second.getByText('No channels yet.').waitFor();

    await first.getByRole('button', { name: 'Connect a channel' }).click();
    const form = first.getByRole('form', { name: 'Connect a channel' });
    await form.getByLabel('Platform').selectOption('facebook');
    expect(await form.locator('code').textContent()).toBe(`${server.baseUrl}/api/webhooks/facebook`);
    await form.getByLabel('Channel name').fill(CONNECT.name);
    await form.getByLabel('External id').fill(CONNECT.pageId);
    await form.getByLabel('App secret').fill(CONNECT.appSecret);
    await form.getByLabel('Page access token').fill(CONNECT.pageAccessToken);
    await form.getByLabel('Verify token').fill(CONNECT.verifyToken);
    await screenshot(first, 'admin-connect.png');
    await form.getByRole('button', { name: 'Connect' }).click();

    // The new channel opens with what to paste into the Meta App Dashboard.
    const editor = first.getByTestId('channel-editor');
    await editor.waitFor({ timeout: 5_000 });
    const channelId = await editor.getAttribute('data-channel-id');
    expect(channelId).toMatch(/^[0-9a-f-]{36}$/);
    const webhookUrl = (await editor.getByTestId('webhook-url').textContent()) ?? '';
    expect(webhookUrl).toBe(`${server.baseUrl}/api/webhooks/facebook`);
    expect(await editor.getByTestId('verify-token').textContent()).toBe(CONNECT.verifyToken);
    const row = channelRow(first, CONNECT.name);
    expect(await row.locator('td').nth(4).textContent()).toBe('set');
    const html = await first.content();
    expect(html).not.toContain(CONNECT.appSecret);
    expect(html).not.toContain(CONNECT.pageAccessToken);
    for (const input of await editor.getByRole('form', { name: 'Edit channel' }).locator('input:not([type])').all())
      if ((await input.getAttribute('aria-label')) !== 'Channel name') expect(await input.inputValue()).toBe('');
    // The URL and token shown are the ones Meta's verification request will use.
    const challenge = await fetch(
      `${webhookUrl}?hub.mode=subscribe&hub.verify_token=${CONNECT.verifyToken}&hub.challenge=c-42`,
    );
    expect([challenge.status, await challenge.text()]).toEqual([200, 'c-42']);

    // The other admin saw it appear, no reload.
    await channelRow(second, CONNECT.name).waitFor({ timeout: LIVE_MS });
    expect(await channelRow(second, CONNECT.name).getAttribute('data-channel-id')).toBe(channelId);
    expect(await channelRow(second, CONNECT.name).locator('td').nth(4).textContent()).toBe('set');

    await nav(first, 'Inbox').click();
    await first.getByText('No conversations match.').waitFor();
    await deliverFacebookMessage(server.baseUrl, {
      pageId: CONNECT.pageId,
      psid: `psid-admin-${Date.now()}`,
      text: 'Do you ship vases to Hanoi?',
      appSecret: CONNECT.appSecret,
      webhookUrl,
    });
    await first.getByTestId('conversation-item').first().waitFor({ timeout: LIVE_MS });
    await first.getByTestId('conversation-item').first().click();
    await first.getByTestId('message').filter({ hasText: 'Do you ship vases to Hanoi?' }).waitFor();
  });

  it('the second admin sees channel changes, members, and users live without a reload', async () => {
    await nav(first, 'Channels').click();
    await channelRow(first, CONNECT.name).getByRole('button', { name: 'Manage' }).click();
    await channelRow(second, CONNECT.name).getByRole('button', { name: 'Manage' }).click();
    await expect.poll(() => memberBox(second, people.khanh.name).isEnabled()).toBe(true);
    expect(await memberBox(second, people.khanh.name).isChecked()).toBe(false);

    // Members: one admin adds the agent, the other's picker follows.
    await expect.poll(() => memberBox(first, people.khanh.name).isEnabled()).toBe(true);
    await memberBox(first, people.khanh.name).click(); // checked once the server has it
    await expect.poll(() => memberBox(second, people.khanh.name).isChecked(), { timeout: LIVE_MS }).toBe(true);

    // A rename shows in the other admin's list.
    const renamed = 'Hue Ceramics & Gifts (Facebook)';
    const editForm = first.getByRole('form', { name: 'Edit channel' });
    await editForm.getByLabel('Channel name').fill(renamed);
    await editForm.getByRole('button', { name: 'Save' }).click();
    await channelRow(second, renamed).waitFor({ timeout: LIVE_MS });
    await screenshot(first, 'admin-channels.png');

    // Users: created, made admin, deleted — the other admin's list follows each step.
    await Promise.all([nav(first, 'Users').click(), nav(second, 'Users').click()]);
    await userRow(second, people.khanh.email).waitFor();
    const newUser = { name: 'Lam Trinh', email: 'lam@example.com' };
    const userForm = first.getByRole('form', { name: 'New user' });
    await userForm.getByLabel('Name').fill(newUser.name);
    await userForm.getByLabel('Email').fill(newUser.email);
    await userForm.getByLabel('Initial password').fill('lam-password-123');
    await userForm.getByRole('button', { name: 'Create user' }).click();
    await userRow(second, newUser.email).waitFor({ timeout: LIVE_MS });
    await screenshot(first, 'admin-users.png');
    await userRow(first, newUser.email).getByLabel(`Role of ${newUser.name}`).selectOption('admin');
    await expect
      .poll(() => userRow(second, newUser.email).getByLabel(`Role of ${newUser.name}`).inputValue(), {
        timeout: LIVE_MS,
      })
      .toBe('admin');
    await userRow(first, newUser.email).getByRole('button', { name: 'Delete' }).click();
    await gone(userRow(second, newUser.email));
    expect(await userRow(first, newUser.email).count()).toBe(0);

    // The agent's removal from the channel and the channel's deletion, seen on the channel screen.
    await Promise.all([nav(first, 'Channels').click(), nav(second, 'Channels').click()]);
    await channelRow(first, renamed).getByRole('button', { name: 'Manage' }).click();
    await channelRow(second, renamed).getByRole('button', { name: 'Manage' }).click();
    await expect.poll(() => memberBox(second, people.khanh.name).isChecked()).toBe(true);
    await memberBox(first, people.khanh.name).click();
    await expect.poll(() => memberBox(second, people.khanh.name).isChecked(), { timeout: LIVE_MS }).toBe(false);
    await first.getByRole('button', { name: 'Delete channel' }).click();
    await gone(channelRow(second, renamed));
    await second.getByText('No channels yet.').waitFor();
    expect(await second.getByTestId('channel-editor').count()).toBe(0);
  });

  it('an agent has no admin navigation, gets the not-allowed page, and 403 from the admin routes', async () => {
    const channel = await admin.createFacebookChannel('504729381029388', 'Can Tho Fruit (Facebook)', [
      people.khanh.id,
    ]);
    const page = await openAs(people.khanh.email, PASSWORD);
    expect(await nav(page, 'Inbox').count()).toBe(1);
    expect(await nav(page, 'Users').count()).toBe(0);
    expect(await nav(page, 'Channels').count()).toBe(0);
    for (const path of ['/admin/users', '/admin/channels', `/admin/channels/${channel.id}`]) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByTestId('not-allowed').waitFor();
      expect(await page.getByTestId('user-table').count()).toBe(0);
      expect(await page.getByTestId('channel-table').count()).toBe(0);
    }

    const agent = await ApiClient.signIn(server.baseUrl, people.khanh.email, PASSWORD);
    const refused: Array<[string, string, unknown?]> = [
      ['GET', '/api/users'],
      ['POST', '/api/users', { email: 'x@example.com', name: 'X', password: 'x-password-123', role: 'admin' }],
      ['PATCH', `/api/users/${people.hoa.id}`, { role: 'agent' }],
      ['DELETE', `/api/users/${people.hoa.id}`],
      ['POST', '/api/channels', { platform: 'zalo', externalId: '1', name: 'X', credentials: {} }],
      ['PATCH', `/api/channels/${channel.id}`, { name: 'Taken over' }],
      ['PUT', `/api/channels/${channel.id}/members`, { userIds: [] }],
      ['DELETE', `/api/channels/${channel.id}`],
    ];
    for (const [method, path, body] of refused) {
      expect([method, path, await agent.status(method, path, body)]).toEqual([method, path, 403]);
    }
    // Nothing changed.
    const users = await admin.call<{ items: User[] }>('GET', '/api/users');
    expect(users.items.find((user) => user.id === people.hoa.id)?.role).toBe('admin');
    expect(users.items.some((user) => user.email === 'x@example.com')).toBe(false);
    const members = await admin.call<{ userIds: string[] }>('GET', `/api/channels/${channel.id}/members`);
    expect(members.userIds).toEqual([people.khanh.id]);
    expect((await admin.call<{ name: string }>('GET', `/api/channels/${channel.id}`)).name).toBe(
      'Can Tho Fruit (Facebook)',
    );
  });
});

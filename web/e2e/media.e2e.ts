import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatforms, type FakePlatforms } from '../../test/support/fake-platforms';
import { ApiClient, deliverFacebookImage } from './support/api-client';
import { AgentBrowser, signIn } from './support/browser';
import { gradientPng, MediaHost } from './support/media-host';
import { screenshot } from './support/screenshots';
import { ServerProcess } from './support/server';

const PASSWORD = 'agent-password-123';
const PAGE_ID = '304729381029386';
const INBOUND_PNG = gradientPng(320, 200, [47, 111, 235], [255, 196, 0]);
const PASTED_PNG = gradientPng(240, 160, [26, 127, 55], [232, 240, 254]);

let fake: FakePlatforms;
let cdn: MediaHost;
let server: ServerProcess;
let admin: ApiClient;
let browser: AgentBrowser | undefined;
let page: Page;
/** `Authorization` of every request the page made for stored media, by path. */
const mediaRequests: Array<{ path: string; authorization: string | undefined }> = [];

beforeAll(async () => {
  fake = await startFakePlatforms();
  cdn = await MediaHost.start({ '/shoe.png': { type: 'image/png', body: INBOUND_PNG } });
  server = await ServerProcess.create({
    ...fake.env(),
    MEDIA_FETCH_ALLOW_HOSTS: cdn.hostPort,
    SSE_HEARTBEAT_MS: '5000',
    SSE_RETRY_MS: '1000',
  });
  await server.start();
  admin = await ApiClient.signIn(server.baseUrl, server.adminEmail, server.adminPassword);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await cdn?.close();
  await fake?.close();
});

const bubbles = (): Locator => page.getByTestId('message');

/** Puts a file on the clipboard event of the reply box, as a browser does for a pasted screenshot. */
async function pasteImage(name: string, png: Buffer): Promise<void> {
  await page.getByLabel('Reply').evaluate(
    (textarea, { name, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], name, { type: 'image/png' }));
      textarea.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    },
    { name, base64: png.toString('base64') },
  );
}

/** Whether an element matching `selector` was ever in the page since `watch` (progress bars come and go fast). */
async function watch(selector: string): Promise<() => Promise<boolean>> {
  await page.evaluate((wanted) => {
    const flags = window as unknown as Record<string, boolean>;
    flags[`seen:${wanted}`] = false;
    new MutationObserver(() => {
      if (document.querySelector(wanted)) flags[`seen:${wanted}`] = true;
    }).observe(document.body, { childList: true, subtree: true });
  }, selector);
  return () =>
    page.evaluate((wanted) => (window as unknown as Record<string, boolean>)[`seen:${wanted}`], selector);
}

describe('attachments in the console', () => {
  it('(a) an image a customer sends by a signed webhook shows as a thumbnail fetched with the token, and opens in the viewer', async () => {
    const agent = await admin.createAgent('mai@example.com', 'Mai Vo', PASSWORD);
    await admin.createFacebookChannel(PAGE_ID, 'Danang Sneakers (Facebook)', [agent.id]);
    await deliverFacebookImage(server.baseUrl, {
      pageId: PAGE_ID,
      psid: `psid-media-${Date.now()}`,
      url: cdn.url('/shoe.png'),
    });

    browser = await AgentBrowser.launch();
    page = await browser.newPage();
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/api/media/'))
        mediaRequests.push({ path, authorization: request.headers().authorization });
    });
    await signIn(page, server.baseUrl, 'mai@example.com', PASSWORD);
    await page.getByTestId('conversation-item').first().click();

    // The server downloads the image after answering the webhook; message_updated brings the stored copy.
    const thumbnail = bubbles().first().getByRole('button', { name: 'Enlarge shoe.png' });
    await thumbnail.waitFor({ timeout: 20_000 });
    expect(cdn.fetched).toEqual(['/shoe.png']);
    const image = thumbnail.locator('img');
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
    expect(mediaRequests).toHaveLength(1);
    expect(mediaRequests[0].path).toMatch(/^\/api\/media\/[0-9a-f-]{36}$/);
    expect(mediaRequests[0].authorization).toMatch(/^Bearer .+/);

    await thumbnail.click();
    const viewer = page.getByRole('dialog', { name: 'Image viewer' });
    await viewer.waitFor();
    expect(await viewer.locator('img').evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(200);
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('(b) an agent pastes an image, sees it upload, sends it, and the platform receives the file', async () => {
    const seenProgress = await watch('progress[aria-label="Uploading sole.png"]');
    await pasteImage('sole.png', PASTED_PNG);
    const chip = page.getByTestId('attachment-chip').filter({ hasText: 'sole.png' });
    await chip.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 10_000 });
    expect(await seenProgress()).toBe(true);
    expect(await chip.textContent()).toContain(`${(PASTED_PNG.length / 1024).toFixed(1)} KB`);
    expect(await page.getByTestId('attachment-limits').textContent()).toBe('Facebook: any file up to 25 MB');

    await page.getByLabel('Reply').fill('Here is the sole, as promised');
    await page.getByRole('button', { name: 'Send' }).click();
    const sent = bubbles().filter({ hasText: 'Here is the sole, as promised' });
    await sent.and(page.locator('[data-status="sent"]')).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('attachment-chip').count()).toBe(0);
    const shown = sent.getByRole('button', { name: 'Enlarge sole.png' }).locator('img');
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(240);

    // Facebook got the text, then the image as a multipart upload of the very bytes that were pasted.
    const requests = await fake.waitForRequests('facebook', 2);
    expect((requests[0].body as { message?: { text?: string } }).message?.text).toBe(
      'Here is the sole, as promised',
    );
    const filedata = requests[1].multipart?.find((part) => part.name === 'filedata');
    expect(filedata?.contentType).toBe('image/png');
    expect(filedata && Buffer.compare(filedata.data, PASTED_PNG)).toBe(0);

    // The composer with the next image on its way, beside the thread's two images.
    await pasteImage('heel.png', gradientPng(200, 140, [207, 34, 46], [255, 248, 197]));
    await page.getByTestId('attachment-chip').filter({ hasText: 'heel.png' }).waitFor();
    await page.getByLabel('Reply').fill('And the heel:');
    await screenshot(page, 'thread-media.png');
  });
});

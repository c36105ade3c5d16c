import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { App } from '../app';
import type { Conversation, Platform, Upload } from '../api/models';
import { accessTokenFrom, tokenStore } from '../auth/token-store';
import { createQueryClient } from '../cache/query-client';
import { mediaCache } from '../media/media-cache';
import { json, stubApi, type ApiCall } from './fake-api';
import { FakeEventSource } from './fake-event-source';
import { FakeXhr } from './fake-xhr';
import { agent, channel, conversation, message } from './fixtures';

/*
 * The whole console open on one conversation (`conv-1`, a customer's "Can I see the sole?"), for tests of its
 * composer: the API stubbed, uploads through FakeXhr, the event stream a FakeEventSource.
 */

const me = agent();
const greeting = message({ id: 'm-1', conversationId: 'conv-1', content: 'Can I see the sole?' });

/** What the stubbed API holds and answers; tests change it between steps. */
export const composerConsole = {
  calls: [] as ApiCall[],
  /** The answer to `POST …/conv-1/messages`. */
  sendAnswer: (() => json({}, 500)) as (call: ApiCall) => Response,
  /** What `GET` answers for the conversation. */
  chat: conversation(),
};

export const revokeObjectURL = vi.fn();

export function file(name: string, type: string, size = 2048): File {
  return new File([new Uint8Array(size)], name, { type });
}

/** Answers an upload as the server does once it has stored the file. */
export async function stored(request: FakeXhr, id: string, extra: Partial<Upload> = {}): Promise<Upload> {
  const sent = request.file;
  const upload: Upload = {
    id,
    type: sent.type.startsWith('image/') ? 'image' : 'file',
    name: sent.name,
    mimeType: sent.type,
    size: sent.size,
    url: `/api/media/${id}`,
    ...extra,
  };
  await act(async () => request.respond(201, upload));
  return upload;
}

/** A conversation on `platform` (with `overrides`); sends are answered 202, pending. */
export function setUpConsole(platform: Platform, overrides: Partial<Conversation> = {}): void {
  composerConsole.chat = conversation({
    id: 'conv-1',
    channelId: 'channel-1',
    platform,
    customer: { id: 'c', name: 'Alice', avatarUrl: null, externalUserId: null },
    ...overrides,
  });
  composerConsole.sendAnswer = () =>
    json(message({ id: 'm-2', conversationId: 'conv-1', sender: 'agent', status: 'pending' }), 202);
  composerConsole.calls = stubApi({
    'GET /api/auth/me': { user: me },
    'GET /api/channels': { items: [channel({ id: 'channel-1', platform, name: 'Shop' })], nextCursor: null },
    'GET /api/users': { items: [me], nextCursor: null },
    'GET /api/conversations': () => json({ items: [composerConsole.chat], nextCursor: null }),
    'GET /api/conversations/counts': {
      unread: 0,
      unreadMine: 0,
      unreadUnassigned: 0,
      waiting: 0,
      byChannel: {},
    },
    'GET /api/conversations/conv-1': () => json(composerConsole.chat),
    'GET /api/conversations/conv-1/messages': { items: [greeting], nextCursor: null },
    'POST /api/conversations/conv-1/messages': (call: ApiCall) => composerConsole.sendAnswer(call),
    'POST /api/conversations/conv-1/read': null,
    'POST /api/conversations/conv-1/activity': null,
    'GET /api/presence': { items: [] },
    'GET /api/media/up-1': () =>
      new Response('png', { status: 200, headers: { 'Content-Type': 'image/png' } }),
    'POST /api/events/ticket': () => json({ ticket: 't', expiresAt: '' }, 201),
    'POST /api/events/ack': null,
  });
}

/** Registers the fakes around each test of the file (a Facebook conversation unless the test sets up another). */
export function installComposerConsole(): void {
  beforeEach(() => {
    revokeObjectURL.mockClear();
    FakeEventSource.reset();
    FakeXhr.reset();
    vi.stubGlobal('EventSource', FakeEventSource);
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    let objectUrls = 0;
    URL.createObjectURL = vi.fn(() => `blob:local-${(objectUrls += 1)}`);
    URL.revokeObjectURL = revokeObjectURL;
    tokenStore.set(accessTokenFrom('token-1', 3600));
    setUpConsole('facebook');
  });

  afterEach(() => {
    mediaCache.clear();
    vi.unstubAllGlobals();
  });
}

/** Opens the conversation and connects its event stream. */
export async function openThread(): Promise<FakeEventSource> {
  window.history.pushState({}, '', '/inbox/conv-1');
  render(<App queryClient={createQueryClient()} />);
  await screen.findByText('Can I see the sole?', { selector: '.content' });
  await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
  const source = FakeEventSource.latest();
  act(() => source.connect());
  return source;
}

export const chips = (): HTMLElement[] => screen.queryAllByTestId('attachment-chip');
export const chip = (name: string): HTMLElement =>
  chips().find((li) => li.textContent?.includes(name)) as HTMLElement;
export const sendButton = (): HTMLElement => screen.getByRole('button', { name: 'Send' });
export const posts = (): ApiCall[] =>
  composerConsole.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/conv-1/messages'));

export async function choose(...files: File[]): Promise<void> {
  await userEvent.upload(screen.getByTestId('attach-input'), files);
}

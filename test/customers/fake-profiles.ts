/**
 * A fake of the platforms' profile APIs and of their picture CDN on real HTTP (127.0.0.1, random port):
 * `GET /facebook/<psid>?fields=…&access_token=…` (Graph user profile), `GET /zalo/v3.0/oa/user/detail?data=…`
 * (header `access_token`) and `GET /cdn/<name>.png` (a PNG). Answers are scriptable per platform user id.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const AVATAR_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

export interface ProfileRequest {
  platform: 'facebook' | 'zalo' | 'cdn';
  /** The PSID, the Zalo user id, or the picture's file name. */
  subject: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** An answer, optionally after a delay; `hang` never answers until `dropHanging` (the caller's request is in flight). */
export type ProfileReply = { status: number; body: unknown; delayMs?: number } | { hang: true };

export interface FakeProfiles {
  url: string;
  /** FACEBOOK_GRAPH_URL and ZALO_API_URL pointing here; MEDIA_FETCH_ALLOW_HOSTS letting avatar downloads reach it. */
  env(): Record<string, string>;
  requests(platform?: ProfileRequest['platform'], subject?: string): ProfileRequest[];
  /** Replies for the next lookups of one user (consumed in order), then the default profile. */
  script(subject: string, ...replies: ProfileReply[]): void;
  /** Both platforms' answer for a known user, shaped as documented. */
  facebookProfile(psid: string, firstName: string, lastName: string): ProfileReply;
  zaloProfile(userId: string, displayName: string): ProfileReply;
  pictureUrl(name: string): string;
  waitForRequests(platform: ProfileRequest['platform'], subject: string, count: number): Promise<void>;
  /** Drops the connections of hanging answers (the caller sees a network failure). */
  dropHanging(): void;
  close(): Promise<void>;
}

export async function startFakeProfiles(): Promise<FakeProfiles> {
  const recorded: ProfileRequest[] = [];
  const scripts = new Map<string, ProfileReply[]>();
  const hanging = new Set<() => void>();
  let url = '';
  const pictureUrl = (name: string) => `${url}/cdn/${name}.png`;
  const facebookProfile = (psid: string, firstName: string, lastName: string): ProfileReply => ({
    status: 200,
    body: { first_name: firstName, last_name: lastName, profile_pic: pictureUrl(`fb-${psid}`), id: psid },
  });
  const zaloProfile = (userId: string, displayName: string): ProfileReply => ({
    status: 200,
    body: {
      error: 0,
      message: 'Success',
      data: {
        user_id: userId,
        display_name: displayName,
        avatar: pictureUrl(`zalo-${userId}`),
        avatars: { '120': pictureUrl(`zalo-${userId}-120`), '240': pictureUrl(`zalo-${userId}`) },
        user_is_follower: true,
      },
    },
  });

  const server: Server = createServer((request, response) => {
    const parsed = new URL(request.url ?? '/', 'http://fake');
    const [, prefix, ...rest] = parsed.pathname.split('/');
    let entry: ProfileRequest | null = null;
    if (prefix === 'facebook' && rest.length === 1) entry = { platform: 'facebook', subject: rest[0], query: parsed.searchParams, headers: request.headers };
    if (prefix === 'zalo' && rest.join('/') === 'v3.0/oa/user/detail') {
      const data = JSON.parse(parsed.searchParams.get('data') ?? '{}') as { user_id?: string };
      entry = { platform: 'zalo', subject: data.user_id ?? '', query: parsed.searchParams, headers: request.headers };
    }
    if (prefix === 'cdn' && rest.length === 1) entry = { platform: 'cdn', subject: rest[0], query: parsed.searchParams, headers: request.headers };
    if (!entry || request.method !== 'GET') {
      response.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'not a fake route' }));
      return;
    }
    recorded.push(entry);
    if (entry.platform === 'cdn') {
      response.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': AVATAR_PNG.length }).end(AVATAR_PNG);
      return;
    }
    const reply =
      scripts.get(entry.subject)?.shift() ??
      (entry.platform === 'facebook' ? facebookProfile(entry.subject, 'Fb', entry.subject) : zaloProfile(entry.subject, `Zalo ${entry.subject}`));
    if ('hang' in reply) {
      hanging.add(() => response.destroy());
      return;
    }
    setTimeout(
      () => response.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.body)),
      reply.delayMs ?? 0,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  const requests = (platform?: ProfileRequest['platform'], subject?: string) =>
    recorded.filter((entry) => (!platform || entry.platform === platform) && (!subject || entry.subject === subject));

  return {
    url,
    env: () => ({
      FACEBOOK_GRAPH_URL: `${url}/facebook`,
      ZALO_API_URL: `${url}/zalo`,
      MEDIA_FETCH_ALLOW_HOSTS: `127.0.0.1:${port}`,
    }),
    requests,
    script: (subject, ...replies) => scripts.set(subject, [...(scripts.get(subject) ?? []), ...replies]),
    facebookProfile,
    zaloProfile,
    pictureUrl,
    waitForRequests: async (platform, subject, count) => {
      const deadline = Date.now() + 15_000;
      while (requests(platform, subject).length < count) {
        if (Date.now() > deadline) throw new Error(`fake ${platform}: expected ${count} request(s) for ${subject}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    dropHanging: () => {
      for (const destroy of hanging) destroy();
      hanging.clear();
    },
    close: async () => {
      for (const destroy of hanging) destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A fake of the three platforms' send APIs on real HTTP (127.0.0.1, random port). It records every request
 * and answers like each platform does: success, transient and permanent failures, scriptable per test.
 *
 *   const fake = await startFakePlatforms();
 *   const t = await startTestApp({ env: fake.env() });
 *   fake.script('zalo', fake.replies.zalo.permanent());       // next Zalo call fails permanently
 *   await fake.waitForRequests('zalo', 1);
 *
 * It lives in src/dev/ so the built demo (`npm run demo`) runs the same fake the tests do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The send APIs, the token endpoints (`zalo_token` below ZALO_OAUTH_URL, `tiktok_token` below TIKTOK_API_URL),
 * the media uploads (`zalo_upload_image`, `zalo_upload_file` below ZALO_API_URL, `tiktok_upload` below
 * TIKTOK_API_URL; Facebook uploads go to its send API as multipart), TikTok's inbound media download
 * (`tiktok_media` below TIKTOK_API_URL, handing out a `tiktok_cdn` URL for the file itself).
 */
export type FakePlatform =
  | 'facebook'
  | 'zalo'
  | 'tiktok'
  | 'zalo_token'
  | 'tiktok_token'
  | 'zalo_upload_image'
  | 'zalo_upload_file'
  | 'tiktok_upload'
  | 'tiktok_media'
  | 'tiktok_cdn';

/** One part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
  /** `data` as UTF-8 (text fields). */
  value: string;
}

export interface RecordedRequest {
  platform: FakePlatform;
  method: string;
  /** Path below the platform prefix, e.g. `/me/messages`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  rawBytes: Buffer;
  /** The parts of a multipart/form-data body, in order; null for other bodies. */
  multipart: MultipartPart[] | null;
  /** The parsed JSON body (loosely typed, for assertions). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  receivedAt: number;
}

/**
 * What the fake answers: an HTTP reply, optionally after a delay; `hang` never answers (the client times out);
 * `destroy` drops the connection without an answer (a network failure).
 */
export type FakeReply =
  | { status: number; body: unknown; delayMs?: number }
  /** A file's bytes with its content type (a CDN answer). */
  | { status: number; file: FakeFile }
  | { hang: true }
  | { destroy: true };
export type FakeResponder = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

const PATHS: Record<FakePlatform, string> = {
  facebook: '/me/messages',
  zalo: '/v3.0/oa/message/cs',
  tiktok: '/open_api/v1.3/business/message/send/',
  zalo_token: '/v4/oa/access_token',
  tiktok_token: '/open_api/v1.3/tt_user/oauth2/refresh_token/',
  zalo_upload_image: '/v2.0/oa/upload/image',
  zalo_upload_file: '/v2.0/oa/upload/file',
  tiktok_upload: '/open_api/v1.3/business/message/media/upload/',
  tiktok_media: '/open_api/v1.3/business/message/media/download/',
  /** `GET /tiktok_cdn/<key>/<file name>`: any path below it. */
  tiktok_cdn: '',
};

/** Routes that share another route's prefix (the platform's API base URL). */
const SHARED_PREFIX: Partial<Record<FakePlatform, string>> = {
  tiktok_token: 'tiktok',
  zalo_upload_image: 'zalo',
  zalo_upload_file: 'zalo',
  tiktok_upload: 'tiktok',
  tiktok_media: 'tiktok',
};

/** Which fake route a request is. */
function routeOf(prefix: string, path: string): FakePlatform | null {
  if (prefix === 'tiktok_cdn') return 'tiktok_cdn';
  for (const [platform, shared] of Object.entries(SHARED_PREFIX) as Array<[FakePlatform, string]>)
    if (prefix === shared && path === PATHS[platform]) return platform;
  const platform = prefix as FakePlatform;
  return platform in PATHS && PATHS[platform] === path ? platform : null;
}

/** The refresh token a token request presents (Zalo: a form field; TikTok: JSON). */
function presentedRefreshToken(platform: FakePlatform, rawBody: string, body: unknown): string | null {
  if (platform === 'zalo_token') return new URLSearchParams(rawBody).get('refresh_token');
  if (platform === 'tiktok_token') {
    const token = (body as { refresh_token?: unknown } | null)?.refresh_token;
    return typeof token === 'string' ? token : null;
  }
  return null;
}

/** Splits a multipart/form-data body into its parts (enough of RFC 7578 for what our clients send). */
export function parseMultipart(contentType: string | undefined, body: Buffer): MultipartPart[] | null {
  const boundary = /^multipart\/form-data;.*\bboundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2];
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), start);
    if (next === -1) break;
    const part = body.subarray(start + 2, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const data = Buffer.from(part.subarray(headerEnd + 4));
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    parts.push({
      name: /\bname="([^"]*)"/.exec(disposition)?.[1] ?? '',
      filename: /\bfilename="([^"]*)"/.exec(disposition)?.[1] ?? null,
      contentType: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim() ?? null,
      data,
      value: data.toString('utf8'),
    });
    position = next + 2;
  }
  return parts;
}

let sequence = 0;
const nextId = () => `${Date.now().toString(36)}${(++sequence).toString(36)}`;

/** Reply builders, shaped like each platform's documented answers. */
export const fakeReplies = {
  facebook: {
    success: (messageId = `m_fake_${nextId()}`): FakeReply => ({
      status: 200,
      body: { recipient_id: '7392015648120394', message_id: messageId },
    }),
    /** Code 2: temporary error, retry. */
    transient: (): FakeReply => ({
      status: 500,
      body: {
        error: {
          message: 'An unexpected error has occurred. Please retry your request later.',
          type: 'OAuthException',
          code: 2,
          fbtrace_id: 'Atrace',
        },
      },
    }),
    rateLimited: (): FakeReply => ({
      status: 400,
      body: {
        error: {
          message: '(#613) Calls to this api have exceeded the rate limit.',
          type: 'OAuthException',
          code: 613,
          fbtrace_id: 'Atrace',
        },
      },
    }),
    /** Code 10/2018278: outside the messaging window. */
    permanent: (): FakeReply => ({
      status: 400,
      body: {
        error: {
          message: '(#10) This message is sent outside of allowed window.',
          type: 'OAuthException',
          code: 10,
          error_subcode: 2018278,
          fbtrace_id: 'Atrace',
        },
      },
    }),
    invalidToken: (): FakeReply => ({
      status: 400,
      body: {
        error: {
          message: 'Invalid OAuth access token.',
          type: 'OAuthException',
          code: 190,
          error_subcode: 1234567,
          fbtrace_id: 'Atrace',
        },
      },
    }),
  },
  zalo: {
    success: (messageId = `zmsg${nextId()}`): FakeReply => ({
      status: 200,
      body: {
        data: {
          quota: { quota_type: 'reply', remain: '8', total: '8' },
          message_id: messageId,
          user_id: '2512523625412515',
          sent_time: String(Date.now()),
        },
        error: 0,
        message: 'Success',
      },
    }),
    /** -32: rate limit (HTTP 200, like every Zalo error). */
    transient: (): FakeReply => ({ status: 200, body: { error: -32, message: 'Exceed rate limit' } }),
    /** -230: the user has not interacted with the OA in 7 days. */
    permanent: (): FakeReply => ({
      status: 200,
      body: { error: -230, message: 'User has not interacted with the OA in the past 7 days' },
    }),
    invalidToken: (): FakeReply => ({
      status: 200,
      body: { error: -216, message: 'Access token is invalid' },
    }),
  },
  tiktok: {
    success: (messageId = `msg_fake_${nextId()}`): FakeReply => ({
      status: 200,
      body: { code: 0, message: 'OK', request_id: nextId(), data: { message: { message_id: messageId } } },
    }),
    /** 51065: system error (HTTP 200). */
    transient: (): FakeReply => ({
      status: 200,
      body: { code: 51065, message: 'System error', request_id: nextId(), data: {} },
    }),
    /** 40064: blocked by direct-message rules. */
    permanent: (): FakeReply => ({
      status: 200,
      body: { code: 40064, message: 'Blocked by direct message rules', request_id: nextId(), data: {} },
    }),
    invalidToken: (): FakeReply => ({
      status: 200,
      body: { code: 40105, message: 'Access token is invalid', request_id: nextId(), data: {} },
    }),
  },
  /** Uploads, answered like each platform documents. */
  zaloUploadImage: {
    success: (attachmentId = `zatt${nextId()}`): FakeReply => ({
      status: 200,
      body: { data: { attachment_id: attachmentId }, error: 0, message: 'Success' },
    }),
  },
  zaloUploadFile: {
    success: (token = `zfile${nextId()}`): FakeReply => ({
      status: 200,
      body: { data: { token }, error: 0, message: 'Success' },
    }),
  },
  tiktokUpload: {
    success: (mediaId = `v0media${nextId()}`): FakeReply => ({
      status: 200,
      body: { code: 0, message: 'OK', request_id: nextId(), data: { media_id: mediaId } },
    }),
    /** 40908: unsupported file type. */
    unsupported: (): FakeReply => ({
      status: 200,
      body: { code: 40908, message: 'Unsupported file type', request_id: nextId(), data: {} },
    }),
  },
  /** TikTok's media download: a URL for the file (served with the `x-user` token header only). */
  tiktokMedia: {
    success: (downloadUrl: string): FakeReply => ({
      status: 200,
      body: { code: 0, message: 'OK', request_id: nextId(), data: { download_url: downloadUrl } },
    }),
    /** 40002: a media id the platform does not know. */
    unknownMedia: (): FakeReply => ({
      status: 200,
      body: { code: 40002, message: 'Invalid media_id', request_id: nextId(), data: {} },
    }),
  },
  /** Token endpoints: new rotating tokens; `expiresIn` as a number or, like Zalo sometimes, a numeric string. */
  zaloToken: {
    success: (expiresIn: number | string = 90_000): FakeReply => ({
      status: 200,
      body: {
        access_token: `zalo-access-${nextId()}`,
        refresh_token: `zalo-refresh-${nextId()}`,
        expires_in: expiresIn,
      },
    }),
    refused: (): FakeReply => ({
      status: 200,
      body: {
        error: -14020,
        error_name: 'Invalid refresh token',
        error_description: 'Refresh token is invalid or used',
      },
    }),
  },
  tiktokToken: {
    success: (expiresIn: number | string = 86_400): FakeReply => ({
      status: 200,
      body: {
        code: 0,
        message: 'OK',
        request_id: nextId(),
        data: {
          access_token: `tiktok-access-${nextId()}`,
          refresh_token: `tiktok-refresh-${nextId()}`,
          expires_in: expiresIn,
          refresh_token_expires_in: 31_536_000,
        },
      },
    }),
    refused: (): FakeReply => ({
      status: 200,
      body: { code: 40104, message: 'The refresh token is invalid', request_id: nextId(), data: {} },
    }),
  },
  serverError: (): FakeReply => ({ status: 503, body: { message: 'Service Unavailable' } }),
  connectionDropped: (): FakeReply => ({ destroy: true }),
  noAnswer: (): FakeReply => ({ hang: true }),
};

/** A file the fake serves on `GET /files/<name>`, like a platform's CDN serves inbound attachments. */
export interface FakeFile {
  contentType: string;
  body: Buffer;
  /** Sent as the Content-Disposition file name (a CDN may name a file that its URL does not). */
  fileName?: string;
}

/** The headers a file is served with. */
function fileHeaders(file: FakeFile): Record<string, string | number> {
  return {
    'Content-Type': file.contentType,
    'Content-Length': file.body.length,
    ...(file.fileName
      ? { 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}` }
      : {}),
  };
}

export interface FakePlatformsOptions {
  /**
   * Files served on `GET /files/<name>`, names URL-safe (let the app fetch them with MEDIA_FETCH_ALLOW_HOSTS).
   * TikTok media ids name these files too: the media download hands out a `tiktok_cdn` URL for the file.
   */
  files?: Record<string, FakeFile>;
  /**
   * Keep every request for requests() and waitForRequests() (the default, for tests). A long-running fake
   * turns it off so memory stays flat; requests still reach scripts, defaults and responders.
   */
  recordRequests?: boolean;
}

/** The path below the fake's URL where `files` are served. */
const FILES_PREFIX = 'files';

export interface FakePlatforms {
  url: string;
  /** The absolute URL of one of the `files`. */
  fileUrl(name: string): string;
  /** Adds (or replaces) a file to serve, also as the TikTok media of that id. */
  serveFile(name: string, file: FakeFile): void;
  /** Environment for startTestApp: FACEBOOK_GRAPH_URL, ZALO_API_URL, TIKTOK_API_URL pointing here. */
  env(): Record<string, string>;
  /** Refresh tokens the token endpoints have been shown (each is single-use: shown again → refused by default). */
  spentRefreshTokens(): string[];
  readonly replies: typeof fakeReplies;
  /** Every recorded request, optionally of one platform. */
  requests(platform?: FakePlatform): RecordedRequest[];
  /** Queues replies for the next calls of a platform (consumed in order), then back to the default. */
  script(platform: FakePlatform, ...replies: Array<FakeReply | FakeResponder>): void;
  /** The answer once the script is empty (initially: success). */
  setDefault(platform: FakePlatform, reply: FakeReply | FakeResponder): void;
  waitForRequests(platform: FakePlatform, count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Forgets requests, scripts and defaults. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakePlatforms(options: FakePlatformsOptions = {}): Promise<FakePlatforms> {
  const files = new Map(Object.entries(options.files ?? {}));
  const recordRequests = options.recordRequests ?? true;
  const recorded: RecordedRequest[] = [];
  const scripts: Record<FakePlatform, Array<FakeReply | FakeResponder>> = {
    facebook: [],
    zalo: [],
    tiktok: [],
    zalo_token: [],
    tiktok_token: [],
    zalo_upload_image: [],
    zalo_upload_file: [],
    tiktok_upload: [],
    tiktok_media: [],
    tiktok_cdn: [],
  };
  const spent = new Set<string>();
  /** TikTok download URLs handed out: each serves one file, and only with the token that asked for it. */
  const issuedDownloads = new Map<string, { name: string; accessToken: string }>();
  const tiktokMediaReply = (entry: RecordedRequest): FakeReply => {
    const mediaId = (entry.body as { media_id?: unknown } | null)?.media_id;
    if (typeof mediaId !== 'string' || !files.has(mediaId)) return fakeReplies.tiktokMedia.unknownMedia();
    const key = nextId();
    issuedDownloads.set(key, { name: mediaId, accessToken: String(entry.headers['access-token'] ?? '') });
    return fakeReplies.tiktokMedia.success(`${url}/tiktok_cdn/${key}/${encodeURIComponent(mediaId)}`);
  };
  const tiktokCdnReply = (entry: RecordedRequest): FakeReply => {
    const [key] = entry.path.slice(1).split('/');
    const issued = issuedDownloads.get(key);
    const file = issued && files.get(issued.name);
    if (!issued || !file) return { status: 404, body: { message: 'Not Found' } };
    if (!issued.accessToken || entry.headers['x-user'] !== issued.accessToken)
      return { status: 403, body: { message: 'Forbidden' } };
    return { status: 200, file };
  };
  /** Like the real token endpoints: a refresh token works once, even when its answer never arrived. */
  const defaultReply = (platform: FakePlatform, reused: boolean, entry: RecordedRequest): FakeReply => {
    if (platform === 'zalo_token')
      return reused ? fakeReplies.zaloToken.refused() : fakeReplies.zaloToken.success();
    if (platform === 'tiktok_token')
      return reused ? fakeReplies.tiktokToken.refused() : fakeReplies.tiktokToken.success();
    if (platform === 'zalo_upload_image') return fakeReplies.zaloUploadImage.success();
    if (platform === 'zalo_upload_file') return fakeReplies.zaloUploadFile.success();
    if (platform === 'tiktok_upload') return fakeReplies.tiktokUpload.success();
    if (platform === 'tiktok_media') return tiktokMediaReply(entry);
    if (platform === 'tiktok_cdn') return tiktokCdnReply(entry);
    return fakeReplies[platform].success();
  };
  const defaults: Partial<Record<FakePlatform, FakeReply | FakeResponder>> = {};
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const url = new URL(request.url ?? '/', 'http://fake');
        const [, prefix, ...rest] = url.pathname.split('/');
        const path = '/' + rest.join('/');
        const file =
          prefix === FILES_PREFIX && request.method === 'GET' ? files.get(rest.join('/')) : undefined;
        if (file) {
          response.writeHead(200, fileHeaders(file)).end(file.body);
          return;
        }
        const platform = routeOf(prefix, path);
        if (!platform || request.method !== (platform === 'tiktok_cdn' ? 'GET' : 'POST')) {
          response
            .writeHead(404, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ error: 'not a fake route' }));
          return;
        }
        const rawBytes = Buffer.concat(chunks);
        const rawBody = rawBytes.toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = null;
        }
        const entry: RecordedRequest = {
          platform,
          method: request.method,
          path,
          query: url.searchParams,
          headers: request.headers,
          rawBody,
          rawBytes,
          multipart: parseMultipart(request.headers['content-type'], rawBytes),
          body,
          receivedAt: Date.now(),
        };
        if (recordRequests) recorded.push(entry);
        for (const waiter of [...waiters]) waiter();
        const refreshToken = presentedRefreshToken(platform, rawBody, body);
        const reused = refreshToken !== null && spent.has(refreshToken);
        if (refreshToken !== null) spent.add(refreshToken);
        const next =
          scripts[platform].shift() ??
          defaults[platform] ??
          ((recordedEntry: RecordedRequest) => defaultReply(platform, reused, recordedEntry));
        const reply = typeof next === 'function' ? await next(entry) : next;
        if ('destroy' in reply) {
          request.socket.destroy();
          return;
        }
        if ('hang' in reply) {
          hanging.add(response);
          response.on('close', () => hanging.delete(response));
          return;
        }
        if ('file' in reply) {
          response.writeHead(reply.status, fileHeaders(reply.file)).end(reply.file.body);
          return;
        }
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        response
          .writeHead(reply.status, { 'Content-Type': 'application/json' })
          .end(JSON.stringify(reply.body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const requests = (platform?: FakePlatform) =>
    recorded.filter((entry) => !platform || entry.platform === platform);

  return {
    url,
    fileUrl: (name) => `${url}/${FILES_PREFIX}/${name}`,
    serveFile: (name, file) => {
      files.set(name, file);
    },
    replies: fakeReplies,
    env: () => ({
      FACEBOOK_GRAPH_URL: `${url}/facebook`,
      ZALO_API_URL: `${url}/zalo`,
      TIKTOK_API_URL: `${url}/tiktok`,
      ZALO_OAUTH_URL: `${url}/zalo_token`,
    }),
    spentRefreshTokens: () => [...spent],
    requests,
    script: (platform, ...replies) => scripts[platform].push(...replies),
    setDefault: (platform, reply) => {
      defaults[platform] = reply;
    },
    waitForRequests: (platform, count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (requests(platform).length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(requests(platform));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`fake ${platform}: expected ${count} request(s), got ${requests(platform).length}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    reset: () => {
      recorded.length = 0;
      spent.clear();
      issuedDownloads.clear();
      for (const platform of Object.keys(scripts) as FakePlatform[]) scripts[platform] = [];
      for (const platform of Object.keys(defaults) as FakePlatform[]) delete defaults[platform];
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

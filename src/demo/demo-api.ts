const REQUEST_TIMEOUT_MS = 15_000;
const PAGE_LIMIT = 100;

/** An answer the demo did not expect, with its status (409 "already exists" is one it handles). */
export class DemoApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ApiUser {
  id: string;
  email: string;
  role: 'admin' | 'agent';
}
export interface ApiChannel {
  id: string;
  platform: string;
  externalId: string;
}
export interface ApiCustomer {
  id: string;
  name: string | null;
  identities: Array<{ platform: string; channelId: string; externalUserId: string }>;
}
export interface ApiConversation {
  id: string;
  channelId: string;
  customerId: string;
  status: 'open' | 'pending' | 'resolved';
}
export interface ApiMessage {
  id: string;
  status: string;
}

/**
 * One signed-in user of the app's REST API. Access tokens expire (JWT_EXPIRES_IN) while the demo plays for
 * hours, so a 401 signs in again once and repeats the request.
 */
export class DemoSession {
  private token: string | null = null;

  constructor(
    private readonly baseUrl: string,
    readonly email: string,
    private readonly password: string,
  ) {}

  /** Signs in; false when the password is refused. */
  async signIn(): Promise<boolean> {
    const response = await this.send(
      'POST',
      '/api/auth/login',
      { email: this.email, password: this.password },
      null,
    );
    if (response.status === 401) return false;
    const body = (await this.read(response, 'POST', '/api/auth/login')) as { accessToken: string };
    this.token = body.accessToken;
    return true;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.token && !(await this.signIn())) throw new DemoApiError(401, `${this.email} cannot sign in`);
    let response = await this.send(method, path, body, this.token);
    if (response.status === 401 && (await this.signIn()))
      response = await this.send(method, path, body, this.token);
    return (await this.read(response, method, path)) as T;
  }

  /** Every item of a paginated list. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const query = `limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: Page<T> = await this.call<Page<T>>('GET', `${path}${separator}${query}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  private send(method: string, path: string, body: unknown, token: string | null): Promise<Response> {
    return fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }

  private async read(response: Response, method: string, path: string): Promise<unknown> {
    const text = await response.text();
    if (!response.ok)
      throw new DemoApiError(
        response.status,
        `${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`,
      );
    return text ? JSON.parse(text) : undefined;
  }
}

import { vi } from 'vitest';

export interface ApiCall {
  method: string;
  path: string;
  body: unknown;
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

type Route = (call: ApiCall) => Response | Promise<Response> | undefined;

/** Stubs `fetch` with routes tried in order ("METHOD /path" → answer); records every call. Unknown: 404. */
/** A route's answer: a function of the call, null for 204, or a JSON body. */
export function stubApi(routes: Record<string, unknown>): ApiCall[] {
  const calls: ApiCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const path = new URL(url, 'http://localhost').pathname;
      const method = init.method ?? 'GET';
      const call = {
        method,
        path,
        body: init.body ? (JSON.parse(init.body as string) as unknown) : undefined,
      };
      calls.push(call);
      const route = routes[`${method} ${path}`];
      if (route === undefined) return json({ statusCode: 404, message: 'Not Found' }, 404);
      if (typeof route === 'function')
        return (await (route as Route)(call)) ?? new Response(null, { status: 204 });
      if (route === null) return new Response(null, { status: 204 });
      return json(route);
    }),
  );
  return calls;
}

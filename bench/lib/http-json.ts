import { Agent, request } from 'node:http';

export interface HttpResponse {
  status: number;
  text: string;
}

export interface JsonResponse extends HttpResponse {
  body: unknown;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  agent?: Agent;
  timeoutMs?: number;
}

/** Keep-alive connections for the publisher, so publishing does not pay a TCP handshake per event. */
export function publisherAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/**
 * A request to a loopback server with exactly these body bytes. A request that fails with ECONNRESET on a
 * reused keep-alive socket (the server closed that idle socket just as it was reused, so the request never
 * reached the application) is sent once more, as Node's documentation recommends.
 */
export async function requestRaw(
  port: number,
  method: string,
  path: string,
  payload: Buffer | undefined,
  options: RequestOptions = {},
): Promise<HttpResponse> {
  try {
    return await requestOnce(port, method, path, payload, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' && (error as ReusedSocketError).reusedSocket) {
      return requestOnce(port, method, path, payload, options);
    }
    throw error;
  }
}

/** A JSON request; `body` is the parsed answer when it is JSON. */
export async function requestJson(
  port: number,
  method: string,
  path: string,
  body: unknown,
  options: RequestOptions = {},
): Promise<JsonResponse> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers = payload ? { 'content-type': 'application/json', ...options.headers } : options.headers;
  const response = await requestRaw(port, method, path, payload, { ...options, headers });
  let parsed: unknown;
  try {
    parsed = response.text ? JSON.parse(response.text) : undefined;
  } catch {
    // not JSON: callers look at `text`
  }
  return { ...response, body: parsed };
}

interface ReusedSocketError extends Error {
  reusedSocket?: boolean;
}

function requestOnce(
  port: number,
  method: string,
  path: string,
  payload: Buffer | undefined,
  options: RequestOptions,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 30_000,
        headers: { ...options.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.once('error', (error: ReusedSocketError) => {
      error.reusedSocket = req.reusedSocket;
      reject(error);
    });
    req.end(payload);
  });
}

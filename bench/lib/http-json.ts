import { Agent, request } from 'node:http';

export interface JsonResponse {
  status: number;
  body: unknown;
  text: string;
}

/** Keep-alive connections for the publisher, so publishing does not pay a TCP handshake per event. */
export function publisherAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/** A JSON request to a loopback server. */
export function requestJson(
  port: number,
  method: string,
  path: string,
  body: unknown,
  options: { headers?: Record<string, string>; agent?: Agent; timeoutMs?: number } = {},
): Promise<JsonResponse> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 30_000,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: callers look at `text`
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.once('error', reject);
    req.end(payload);
  });
}

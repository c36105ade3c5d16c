import { SSE_ABORT_CONTROLLER } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What a stream needs to go on writing to its client without its HTTP response. */
export interface TakenSocket {
  socket: Socket;
  /** Whether the body is HTTP/1.1 chunks (false: an HTTP/1.0 client, the body ends with the connection). */
  chunked: boolean;
}

/** One reason for every stream: an AbortError made per stream would keep a stack trace each. */
const HANDED_OVER = Object.freeze(new Error('the stream was handed over to the stream hub'));

/**
 * Takes the connection over from a stream's response once the head and first frames went out through it.
 * The response is marked ended without sending its end (it is detached first), so Nest's @Sse() wiring sees
 * an ended response and completes at once, and lets go of everything it made for the request (a Transform,
 * a timer, a dozen closures, the pending handler chain) instead of holding it for the life of the stream.
 */
export function takeOverSocket(request: IncomingMessage, response: ServerResponse): TakenSocket {
  const socket = response.socket as Socket;
  const chunked = (response as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true;
  response.detachSocket(socket);
  response.end();
  // The HTTP parser keeps the request until the connection closes. What would keep the ended response (and
  // what Nest hung on it) through the request goes: Express's links to it (`res`, and `next`, whose router
  // closure holds it), and the AbortError with a stack trace that Nest's abort() would make (the signal
  // ends here: the handler's setup is over).
  const expressRequest = request as IncomingMessage & { res?: ServerResponse; next?: unknown };
  expressRequest.res = undefined;
  expressRequest.next = undefined;
  (request as IncomingMessage & { [SSE_ABORT_CONTROLLER]?: AbortController })[SSE_ABORT_CONTROLLER]?.abort(HANDED_OVER);
  return { socket, chunked };
}

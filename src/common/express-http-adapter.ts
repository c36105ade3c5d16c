import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Application } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

/**
 * Makes a subclass's prototype stand in for Express's (same parent, same own properties). A class, not a
 * function given as `new.target`: V8 keeps one shape for the instances only then.
 */
function adoptPrototype(subclass: { prototype: object }, expressPrototype: object): void {
  Object.setPrototypeOf(subclass.prototype, Object.getPrototypeOf(expressPrototype) as object | null);
  Object.defineProperties(subclass.prototype, Object.getOwnPropertyDescriptors(expressPrototype));
}

/**
 * The Express adapter on an HTTP server that creates each request and response with Express's own prototypes.
 * Express otherwise swaps them per request (`Object.setPrototypeOf`), which gives every request and response
 * an object shape of its own (about 2 KB together, held for the life of each open event stream) and leaves
 * the code that reads them with shapes it has never seen. Express still sets the prototype, now to the one
 * the object already has: V8 keeps the shape.
 */
export class ExpressHttpAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    super.initHttpServer(options);
    if (options.httpsOptions) return;
    const app = this.getInstance<Application & { request: object; response: object }>();
    // Classes per application: their prototypes carry `app`.
    class ExpressRequest extends IncomingMessage {}
    class ExpressResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {}
    adoptPrototype(ExpressRequest, app.request);
    adoptPrototype(ExpressResponse, app.response);
    app.request = ExpressRequest.prototype;
    app.response = ExpressResponse.prototype;
    const server = createServer({ IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse }, app);
    // Connection tracking (forceCloseConnections) was attached to the server created above: move it over
    // (not the HTTP parser's own listener, which each server has).
    const own = new Set(server.listeners('connection'));
    const previous = this.getHttpServer() as ReturnType<typeof createServer>;
    for (const listener of previous.listeners('connection')) {
      if (!own.has(listener)) server.on('connection', listener as (socket: unknown) => void);
    }
    this.setHttpServer(server);
  }
}

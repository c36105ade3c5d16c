import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLIENT_EVENT_TYPES } from '../../src/common/domain-events.js';
import { COMMITTED_OPENAPI_PATH, serializeOpenApiDocument } from '../../src/openapi/openapi-document.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface MediaType {
  schema?: { $ref?: string; type?: string };
}

interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, unknown>;
}

interface Operation {
  operationId: string;
  tags?: string[];
  security?: Array<Record<string, unknown>>;
  parameters?: Array<{ name: string; in: string }>;
  description?: string;
  responses: Record<string, ResponseObject>;
  'x-event-schemas'?: Record<string, { $ref: string }>;
}

/** Every event type a stream sends, with the name of the schema of its `data`. */
const STREAM_EVENT_SCHEMAS: Record<string, string> = {
  new_message: 'NewMessageEvent',
  message_sent: 'MessageSentEvent',
  message_updated: 'MessageUpdatedEvent',
  new_conversation: 'NewConversationEvent',
  conversation_updated: 'ConversationUpdatedEvent',
  customer_created: 'CustomerCreatedEvent',
  customer_updated: 'CustomerUpdatedEvent',
  customer_deleted: 'CustomerDeletedEvent',
  conversation_read: 'ConversationReadEvent',
  agent_activity: 'AgentActivityEvent',
  presence_changed: 'PresenceChangedEvent',
  channel_updated: 'ChannelUpdatedEvent',
  channel_created: 'ChannelCreatedEvent',
  channel_deleted: 'ChannelDeletedEvent',
  channel_members_changed: 'ChannelMembersChangedEvent',
  user_created: 'UserCreatedEvent',
  user_updated: 'UserUpdatedEvent',
  user_deleted: 'UserDeletedEvent',
  connected: 'ConnectedEvent',
  ping: 'PingEvent',
  resync: 'ResyncEvent',
};

function operationsOf(document: { paths: Record<string, Record<string, Operation>> }): Array<[string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
  );
}

const FOUNDATION_ROUTES: Array<[string, string, string]> = [
  ['post', '/api/channels', 'channels'],
  ['get', '/api/channels', 'channels'],
  ['get', '/api/channels/{id}', 'channels'],
  ['patch', '/api/channels/{id}', 'channels'],
  ['delete', '/api/channels/{id}', 'channels'],
  ['get', '/api/channels/{id}/members', 'channels'],
  ['put', '/api/channels/{id}/members', 'channels'],
  ['get', '/api/customers', 'customers'],
  ['post', '/api/customers', 'customers'],
  ['get', '/api/customers/{id}', 'customers'],
  ['patch', '/api/customers/{id}', 'customers'],
  ['delete', '/api/customers/{id}', 'customers'],
  ['get', '/api/conversations', 'conversations'],
  ['get', '/api/conversations/{id}', 'conversations'],
  ['patch', '/api/conversations/{id}', 'conversations'],
  ['get', '/api/conversations/{conversationId}/messages', 'messages'],
  ['post', '/api/conversations/{conversationId}/messages', 'messages'],
];

describe('OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('documents every channel, customer, conversation and message route, tagged and bearer-protected', async () => {
    const response = await t.http().get('/api/docs/openapi.json').expect(200);
    const paths = response.body.paths as Record<string, Record<string, Operation>>;
    const operationIds = new Set<string>();
    for (const [method, path, tag] of FOUNDATION_ROUTES) {
      const operation = paths[path]?.[method];
      expect({ method, path, documented: Boolean(operation) }).toEqual({ method, path, documented: true });
      expect(operation.tags).toEqual([tag]);
      expect(operation.security).toEqual([{ bearer: [] }]);
      operationIds.add(operation.operationId);
    }
    expect(operationIds.size).toBe(FOUNDATION_ROUTES.length);
    const listQuery = paths['/api/conversations'].get.parameters?.map((parameter) => parameter.name);
    expect(listQuery).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'status', 'channelId', 'assigneeId']),
    );
    const schemas = response.body.components.schemas as Record<
      string,
      { properties: Record<string, unknown> }
    >;
    expect(Object.keys(schemas.CreateChannelDto.properties).sort()).toEqual([
      'credentials',
      'externalId',
      'name',
      'platform',
    ]);
    expect(Object.keys(schemas.SendMessageDto.properties).sort()).toEqual([
      'afterMessageId',
      'attachmentIds',
      'clientMessageId',
      'content',
    ]);
  });

  it('is the committed docs/openapi.json', async () => {
    const response = await t.http().get('/api/docs/openapi.json').expect(200);
    const served = serializeOpenApiDocument(response.body as OpenAPIObject);
    const committed = readFileSync(resolve(process.cwd(), COMMITTED_OPENAPI_PATH), 'utf8');
    const hint = 'docs/openapi.json differs from the running app: run `npm run openapi` and commit the result';
    expect({ upToDate: served === committed, hint }).toEqual({ upToDate: true, hint });
  });

  it('describes a 2xx answer of every operation with a schema, or as no content', async () => {
    const response = await t.http().get('/api/docs/openapi.json').expect(200);
    const undescribed: string[] = [];
    for (const [name, operation] of operationsOf(response.body)) {
      const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      const described = success.some(
        ([status, answer]) =>
          status === '204' ||
          Object.values(answer.content ?? {}).some((media) => Boolean(media.schema?.$ref ?? media.schema?.type)),
      );
      if (!described) undescribed.push(name);
    }
    expect(undescribed).toEqual([]);
  });

  it('gives every error answer the one ErrorResponse schema, and 429 its Retry-After header', async () => {
    const response = await t.http().get('/api/docs/openapi.json').expect(200);
    const schemas = response.body.components.schemas as Record<string, { properties: Record<string, unknown> }>;
    expect(Object.keys(schemas.ErrorResponse.properties).sort()).toEqual(['error', 'message', 'statusCode']);
    const wrong: string[] = [];
    let rateLimited = 0;
    for (const [name, operation] of operationsOf(response.body)) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (!/^4\d\d$/.test(status)) continue;
        if (answer.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ErrorResponse') wrong.push(`${name} ${status}`);
        if (status === '429') {
          rateLimited += 1;
          if (!answer.headers?.['Retry-After']) wrong.push(`${name} 429 without Retry-After`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(rateLimited).toBeGreaterThanOrEqual(3);
  });

  it('names the schema of every stream event and links them from the stream route', async () => {
    const response = await t.http().get('/api/docs/openapi.json').expect(200);
    const schemas = response.body.components.schemas as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(STREAM_EVENT_SCHEMAS)).toEqual(expect.arrayContaining([...CLIENT_EVENT_TYPES]));
    const stream = (response.body.paths as Record<string, Record<string, Operation>>)['/api/events/stream'].get;
    for (const [type, schemaName] of Object.entries(STREAM_EVENT_SCHEMAS)) {
      expect({ type, defined: Boolean(schemas[schemaName]?.properties) }).toEqual({ type, defined: true });
      expect(stream['x-event-schemas']?.[type]).toEqual({ $ref: `#/components/schemas/${schemaName}` });
      expect(stream.description).toContain(`#/components/schemas/${schemaName}`);
    }
    expect(Object.keys(schemas.NewMessageEvent.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'conversationId', 'sender', 'content', 'sentAt', 'attachments', 'status']),
    );
    expect(Object.keys(stream.responses['200'].content ?? {})).toEqual(['text/event-stream']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Operation {
  operationId: string;
  tags?: string[];
  security?: Array<Record<string, unknown>>;
  parameters?: Array<{ name: string; in: string }>;
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
    expect(Object.keys(schemas.SendMessageDto.properties).sort()).toEqual(['clientMessageId', 'content']);
  });
});

import { describe, expect, it } from '@jest/globals';
import { MalformedPayloadError } from '../platform-adapter.js';
import { parseFacebookPayload } from './facebook-inbound.parser.js';

const PAGE = '102938475610293';
const PSID = '7392015648120394';

function envelope(...entries: Array<{ id: string; messaging: unknown[] }>) {
  return { object: 'page', entry: entries.map((entry) => ({ time: 1785312004871, ...entry })) };
}

describe('parseFacebookPayload', () => {
  it('parses an incoming text (M1)', () => {
    const body = envelope({
      id: PAGE,
      messaging: [
        {
          sender: { id: PSID },
          recipient: { id: PAGE },
          timestamp: 1785312004523,
          message: { mid: 'm_AbC1dEf2GhI3jKl4MnO5pQ', text: 'hello, world!' },
        },
      ],
    });
    expect(parseFacebookPayload(body)).toEqual([
      {
        channelKey: PAGE,
        items: [
          {
            kind: 'message',
            direction: 'customer',
            platformMessageId: 'm_AbC1dEf2GhI3jKl4MnO5pQ',
            threadKey: PSID,
            customerExternalId: PSID,
            customerName: null,
            text: 'hello, world!',
            attachments: [],
            sentAt: new Date(1785312004523),
            outboundMessageId: null,
            sentThroughApi: false,
          },
        ],
      },
    ]);
  });

  it('parses an image attachment (M2)', () => {
    const url = 'https://scontent.xx.fbcdn.net/v/t1.15752-9/example.jpg?_nc_cat=1&oh=abc&oe=def';
    const [delivery] = parseFacebookPayload(
      envelope({
        id: PAGE,
        messaging: [
          {
            sender: { id: PSID },
            recipient: { id: PAGE },
            timestamp: 1,
            message: { mid: 'm_img', attachments: [{ type: 'image', payload: { url } }] },
          },
        ],
      }),
    );
    expect(delivery.items[0]).toMatchObject({
      kind: 'message',
      text: '',
      attachments: [{ type: 'image', url }],
    });
  });

  it('parses an echo (M3): thread is the recipient, metadata names our message', () => {
    const ours = '0b8a3c1e-7d7f-4c52-9b1a-2f4e5d6c7b8a';
    const [delivery] = parseFacebookPayload(
      envelope({
        id: PAGE,
        messaging: [
          {
            sender: { id: PAGE },
            recipient: { id: PSID },
            timestamp: 2,
            message: {
              mid: 'm_echo',
              is_echo: true,
              app_id: 1517776481860111,
              metadata: `crm:${ours}`,
              text: 'Thanks',
            },
          },
          {
            sender: { id: PAGE },
            recipient: { id: PSID },
            timestamp: 3,
            message: { mid: 'm_echo2', is_echo: true, metadata: 'crm:outbound:42', text: 'x' },
          },
        ],
      }),
    );
    expect(delivery.items[0]).toMatchObject({
      direction: 'echo',
      threadKey: PSID,
      customerExternalId: PSID,
      outboundMessageId: ours,
      sentThroughApi: true,
    });
    expect(delivery.items[1]).toMatchObject({
      direction: 'echo',
      outboundMessageId: null,
      sentThroughApi: false,
    });
  });

  it('parses delivery (M4) and read (M5) receipts by watermark', () => {
    const [delivery] = parseFacebookPayload(
      envelope({
        id: PAGE,
        messaging: [
          {
            sender: { id: PSID },
            recipient: { id: PAGE },
            delivery: { mids: ['m_ZyX9wVu8TsR7qPo6NmL5kJ'], watermark: 1785312599000 },
          },
          {
            sender: { id: PSID },
            recipient: { id: PAGE },
            timestamp: 1785312699900,
            read: { watermark: 1785312599000 },
          },
        ],
      }),
    );
    expect(delivery.items).toEqual([
      {
        kind: 'receipt',
        status: 'delivered',
        platformMessageIds: ['m_ZyX9wVu8TsR7qPo6NmL5kJ'],
        threadKey: PSID,
        watermark: new Date(1785312599000),
      },
      {
        kind: 'receipt',
        status: 'read',
        platformMessageIds: [],
        threadKey: PSID,
        watermark: new Date(1785312599000),
      },
    ]);
  });

  it('routes a batch by each entry id and merges entries of one page', () => {
    const message = (mid: string) => ({
      sender: { id: PSID },
      recipient: { id: 'x' },
      timestamp: 1,
      message: { mid, text: mid },
    });
    const deliveries = parseFacebookPayload(
      envelope(
        { id: 'page-a', messaging: [message('a1')] },
        { id: 'page-b', messaging: [message('b1')] },
        { id: 'page-a', messaging: [message('a2')] },
      ),
    );
    expect(
      deliveries.map((delivery) => [
        delivery.channelKey,
        delivery.items.map((item) => (item.kind === 'message' ? item.platformMessageId : null)),
      ]),
    ).toEqual([
      ['page-a', ['a1', 'a2']],
      ['page-b', ['b1']],
    ]);
  });

  it('reads standby events and marks other kinds as ignored', () => {
    const [delivery] = parseFacebookPayload({
      object: 'page',
      entry: [
        {
          id: PAGE,
          standby: [
            { sender: { id: PSID }, reaction: { reaction: 'love', mid: 'm_1' } },
            { sender: { id: PSID }, somethingNew: {} },
          ],
        },
      ],
    });
    expect(delivery.items).toEqual([
      { kind: 'ignored', eventKind: 'reaction', reason: 'unsupported' },
      { kind: 'ignored', eventKind: 'somethingNew', reason: 'unknown' },
    ]);
  });

  const itemsOf = (messaging: unknown[]) =>
    parseFacebookPayload({ object: 'page', entry: [{ id: PAGE, messaging }] })[0].items;

  it('reads a postback as the customer message of its button title, keyed by its mid or by sender and time', () => {
    const items = itemsOf([
      {
        sender: { id: PSID },
        timestamp: 1785312004523,
        postback: { mid: 'm_pb1', title: 'Track my order', payload: 'TRACK' },
      },
      { sender: { id: PSID }, timestamp: 1785312005000, postback: { payload: 'GET_STARTED' } },
      { sender: { id: PSID }, postback: { title: '' } },
    ]);
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'message',
        direction: 'customer',
        platformMessageId: 'm_pb1',
        text: 'Track my order',
        threadKey: PSID,
      }),
      expect.objectContaining({
        kind: 'message',
        platformMessageId: `postback:${PSID}:1785312005000`,
        text: 'GET_STARTED',
      }),
      { kind: 'ignored', eventKind: 'postback', reason: 'no_content' },
    ]);
  });

  it('reads a quick-reply tap by its title, or by its payload when it has no text', () => {
    const items = itemsOf([
      {
        sender: { id: PSID },
        timestamp: 1,
        message: { mid: 'm_q1', text: 'Yes please', quick_reply: { payload: 'YES' } },
      },
      { sender: { id: PSID }, timestamp: 2, message: { mid: 'm_q2', quick_reply: { payload: 'NO' } } },
    ]);
    expect(items.map((item) => (item.kind === 'message' ? item.text : item.kind))).toEqual([
      'Yes please',
      'NO',
    ]);
  });

  it('rejects what is not a Messenger envelope', () => {
    expect(() => parseFacebookPayload([])).toThrow(MalformedPayloadError);
    expect(() => parseFacebookPayload({ object: 'page' })).toThrow(MalformedPayloadError);
    expect(() => parseFacebookPayload({ object: 'page', entry: [{ messaging: [] }] })).toThrow(
      MalformedPayloadError,
    );
  });
});

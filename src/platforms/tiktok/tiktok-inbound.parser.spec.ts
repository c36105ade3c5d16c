import { describe, expect, it } from '@jest/globals';
import { MalformedPayloadError } from '../platform-adapter.js';
import { parseTiktokPayload } from './tiktok-inbound.parser.js';

const BUSINESS = 'biz_open_id_123';
const USER = 'user_open_id_789';
const CONVERSATION = 'conv+AbC123==';

function envelope(event: string, content: unknown) {
  return {
    client_key: 'aw_test_client_key',
    event,
    create_time: 1700000001,
    user_openid: BUSINESS,
    content: JSON.stringify(content),
  };
}
const receive = {
  from: 'someuser',
  to: 'acmebrand',
  from_user: { id: USER, role: 'personal_account' },
  to_user: { id: BUSINESS, role: 'business_account' },
  conversation_id: CONVERSATION,
  timestamp: 1700000000000,
  message_id: 'msg_1',
  type: 'text',
  text: { body: 'hello there' },
  message_tag: { source: 'APP' },
};

describe('parseTiktokPayload', () => {
  it('double-decodes content and parses an incoming text (T1): one thread per conversation_id', () => {
    expect(parseTiktokPayload(envelope('im_receive_msg', receive))).toEqual([
      {
        channelKey: BUSINESS,
        items: [
          {
            kind: 'message',
            direction: 'customer',
            platformMessageId: 'msg_1',
            threadKey: CONVERSATION,
            customerExternalId: USER,
            customerName: 'someuser',
            text: 'hello there',
            attachments: [],
            sentAt: new Date(1700000000000),
            outboundMessageId: null,
            sentThroughApi: false,
          },
        ],
      },
    ]);
  });

  it('parses an image (T2) as an attachment referencing the media id', () => {
    const [delivery] = parseTiktokPayload(
      envelope('im_receive_msg', {
        ...receive,
        message_id: 'msg_2',
        type: 'image',
        text: undefined,
        image: { media_id: 'v09044g40000media' },
      }),
    );
    expect(delivery.items[0]).toMatchObject({
      text: '',
      attachments: [{ type: 'image', url: 'tiktok-media:v09044g40000media' }],
    });
  });

  it('parses an emoji message as a sticker attachment (the contract has no emoji type)', () => {
    const [delivery] = parseTiktokPayload(
      envelope('im_receive_msg', {
        ...receive,
        type: 'emoji',
        text: undefined,
        emoji: { media_id: 'v0emoji' },
      }),
    );
    expect(delivery.items[0]).toMatchObject({ attachments: [{ type: 'sticker', url: 'tiktok-media:v0emoji' }] });
  });

  it('parses im_send_msg (T3) as an echo; source API may be one of ours', () => {
    const [delivery] = parseTiktokPayload(
      envelope('im_send_msg', {
        ...receive,
        from: 'acmebrand',
        to: 'someuser',
        from_user: { id: BUSINESS },
        to_user: { id: USER },
        message_id: 'msg_sent_1',
        message_tag: { source: 'API' },
      }),
    );
    expect(delivery.items[0]).toMatchObject({
      direction: 'echo',
      customerExternalId: USER,
      threadKey: CONVERSATION,
      sentThroughApi: true,
      customerName: 'someuser',
    });
  });

  it('parses im_mark_read_msg (T4) as a read watermark, unless the business itself read', () => {
    const read = {
      from_user: { id: USER },
      to_user: { id: BUSINESS },
      conversation_id: CONVERSATION,
      timestamp: 1700000020000,
      read: { last_read_timestamp: 1700000010000 },
    };
    expect(parseTiktokPayload(envelope('im_mark_read_msg', read))[0].items).toEqual([
      {
        kind: 'receipt',
        status: 'read',
        platformMessageIds: [],
        threadKey: CONVERSATION,
        watermark: new Date(1700000010000),
      },
    ]);
    expect(
      parseTiktokPayload(envelope('im_mark_read_msg', { ...read, from_user: { id: BUSINESS } }))[0].items[0],
    ).toMatchObject({ kind: 'ignored' });
  });

  it('acknowledges EU events (T5) without content, and unknown events as ignored', () => {
    expect(
      parseTiktokPayload(envelope('im_receive_msg_eu', { to: 'acmebrand', timestamp: 1 }))[0].items,
    ).toEqual([{ kind: 'ignored', eventKind: 'im_receive_msg_eu', reason: 'no_content' }]);
    expect(parseTiktokPayload(envelope('tiktok.ping', { reason: 'testing Webhook' }))[0].items).toEqual([
      { kind: 'ignored', eventKind: 'tiktok.ping', reason: 'unknown' },
    ]);
  });

  it('rejects a non-event or undecodable content', () => {
    expect(() => parseTiktokPayload({ hello: 1 })).toThrow(MalformedPayloadError);
    expect(() =>
      parseTiktokPayload({ event: 'im_receive_msg', user_openid: BUSINESS, content: '{not json' }),
    ).toThrow(MalformedPayloadError);
    expect(() => parseTiktokPayload({ event: 'im_receive_msg', content: '{}' })).toThrow(
      MalformedPayloadError,
    );
  });

  it('makes every content type readable: a template card as its title and buttons, a share without payload, an unknown type', () => {
    const textOf = (content: Record<string, unknown>): unknown => {
      const [{ items }] = parseTiktokPayload(
        envelope('im_receive_msg', { ...receive, text: undefined, ...content }),
      );
      const [item] = items;
      return item.kind === 'message' ? { text: item.text, attachments: item.attachments } : item;
    };
    expect(
      textOf({
        type: 'template',
        template: {
          type: 'QA_BUTTON_CARD',
          title: 'How can we help?',
          buttons: [{ type: 'REPLY', title: 'Orders' }, { title: 'Returns' }],
        },
      }),
    ).toEqual({ text: 'How can we help?\n[Orders]\n[Returns]', attachments: [] });
    expect(textOf({ type: 'template', template: {} })).toEqual({
      text: '[template message]',
      attachments: [],
    });
    expect(textOf({ type: 'share_post' })).toEqual({ text: '[shared post]', attachments: [] });
    expect(
      textOf({ type: 'share_post', share_post: { embed_url: 'https://www.tiktok.com/@a/video/1' } }),
    ).toEqual({
      text: '',
      attachments: [{ type: 'share_post', url: 'https://www.tiktok.com/@a/video/1' }],
    });
    expect(textOf({ type: 'hologram', hologram: { id: 'x' } })).toEqual({
      text: '[unsupported message: hologram]',
      attachments: [],
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { MalformedPayloadError } from '../platform-adapter.js';
import { parseZaloPayload } from './zalo-inbound.parser.js';

const OA = '388613280878808645';
const USER = '246845883529197922';
const base = {
  app_id: '360846524940903967',
  user_id_by_app: '552177279717587730',
  timestamp: '1717061839659',
};

describe('parseZaloPayload', () => {
  it('parses user_send_text (Z1), keeping every id as the exact string', () => {
    const raw = `{"app_id":"360846524940903967","sender":{"id":"3611371994410983884"},"recipient":{"id":"${OA}"},"event_name":"user_send_text","message":{"text":"Xin chào shop","msg_id":"96d3cdf3af150460909"},"timestamp":"1717061839659"}`;
    expect(parseZaloPayload(JSON.parse(raw))).toEqual([
      {
        channelKey: OA,
        items: [
          {
            kind: 'message',
            direction: 'customer',
            platformMessageId: '96d3cdf3af150460909',
            threadKey: '3611371994410983884',
            customerExternalId: '3611371994410983884',
            customerName: null,
            text: 'Xin chào shop',
            attachments: [],
            sentAt: new Date(1717061839659),
            outboundMessageId: null,
            sentThroughApi: false,
          },
        ],
      },
    ]);
  });

  it('rejects an id that arrived as an inexact JSON number', () => {
    const raw = `{"event_name":"user_send_text","sender":{"id":3611371994410983884},"recipient":{"id":"${OA}"},"message":{"msg_id":"x","text":"t"},"timestamp":"1"}`;
    expect(() => parseZaloPayload(JSON.parse(raw))).toThrow(MalformedPayloadError);
  });

  it('parses images (Z2) and locations', () => {
    const [image] = parseZaloPayload({
      ...base,
      event_name: 'user_send_image',
      sender: { id: USER },
      recipient: { id: OA },
      message: {
        msg_id: 'a1',
        text: '',
        attachments: [
          { type: 'image', payload: { thumbnail: 't', url: 'https://f20-zpc.zdn.vn/example/photo.jpg' } },
        ],
      },
    });
    expect(image.items[0]).toMatchObject({
      kind: 'message',
      attachments: [{ type: 'image', url: 'https://f20-zpc.zdn.vn/example/photo.jpg' }],
    });
    const [location] = parseZaloPayload({
      ...base,
      event_name: 'user_send_location',
      sender: { id: USER },
      recipient: { id: OA },
      message: {
        msg_id: 'a2',
        attachments: [
          { type: 'location', payload: { coordinates: { latitude: '10.7', longitude: '106.6' } } },
        ],
      },
    });
    expect(location.items[0]).toMatchObject({
      attachments: [{ type: 'location', url: 'https://maps.google.com/?q=10.7,106.6' }],
    });
  });

  it('parses oa_send_* as echoes routed by sender.id; admin_id means typed by a human', () => {
    const [byAdmin] = parseZaloPayload({
      ...base,
      event_name: 'oa_send_text',
      sender: { id: OA, admin_id: '1234567890123456789' },
      recipient: { id: USER },
      message: { msg_id: 'f0', text: 'Dạ' },
    });
    expect(byAdmin).toMatchObject({
      channelKey: OA,
      items: [{ direction: 'echo', threadKey: USER, sentThroughApi: false }],
    });
    const [byApi] = parseZaloPayload({
      ...base,
      event_name: 'oa_send_text',
      sender: { id: OA },
      recipient: { id: USER },
      message: { msg_id: 'f1', text: 'x' },
    });
    expect(byApi.items[0]).toMatchObject({ sentThroughApi: true });
  });

  it('parses receipts (Z4, Z5) by message ids', () => {
    expect(
      parseZaloPayload({
        ...base,
        event_name: 'user_received_message',
        sender: { id: OA },
        recipient: { id: USER },
        message: { msg_id: 'f0' },
      }),
    ).toEqual([
      {
        channelKey: OA,
        items: [
          {
            kind: 'receipt',
            status: 'delivered',
            platformMessageIds: ['f0'],
            threadKey: null,
            watermark: null,
          },
        ],
      },
    ]);
    expect(
      parseZaloPayload({
        ...base,
        event_name: 'user_seen_message',
        sender: { id: OA },
        recipient: { id: USER },
        message: { msg_ids: ['f0', 'f1'] },
      }),
    ).toEqual([
      {
        channelKey: OA,
        items: [
          {
            kind: 'receipt',
            status: 'read',
            platformMessageIds: ['f0', 'f1'],
            threadKey: null,
            watermark: null,
          },
        ],
      },
    ]);
  });

  it('parses follow/unfollow (Z6) as a contact without a message', () => {
    expect(
      parseZaloPayload({
        ...base,
        oa_id: OA,
        follower: { id: USER },
        event_name: 'follow',
        source: 'oa_profile',
      }),
    ).toEqual([
      { channelKey: OA, items: [{ kind: 'contact', customerExternalId: USER, customerName: null }] },
    ]);
  });

  it('marks unknown events as ignored and rejects non-events', () => {
    expect(parseZaloPayload({ ...base, event_name: 'shop_has_order', oa_id: OA })).toEqual([
      { channelKey: OA, items: [{ kind: 'ignored', eventKind: 'shop_has_order', reason: 'unknown' }] },
    ]);
    expect(() => parseZaloPayload({ hello: 1 })).toThrow(MalformedPayloadError);
    expect(() =>
      parseZaloPayload({ ...base, event_name: 'user_send_text', message: { msg_id: 'x' } }),
    ).toThrow(MalformedPayloadError);
  });
});

describe('parseZaloPayload text', () => {
  it('replaces NUL (which Postgres text cannot store) and refuses it in ids', () => {
    const event = {
      event_name: 'user_send_text',
      sender: { id: '1' },
      recipient: { id: '2' },
      message: { msg_id: 'm', text: 'a\u0000b' },
      timestamp: '1',
    };
    expect(parseZaloPayload(event)[0].items[0]).toMatchObject({ text: 'a\ufffdb' });
    expect(() => parseZaloPayload({ ...event, sender: { id: '1\u0000' } })).toThrow(MalformedPayloadError);
  });
});

describe('parseZaloPayload attachments', () => {
  it('keeps only http(s) attachment URLs', () => {
    const event = {
      event_name: 'user_send_file',
      sender: { id: '1' },
      recipient: { id: '2' },
      timestamp: '1',
      message: {
        msg_id: 'm',
        attachments: [
          { type: 'file', payload: { url: 'javascript:alert(1)' } },
          { type: 'file', payload: { url: 'https://f.zdn.vn/a.pdf' } },
        ],
      },
    };
    expect(parseZaloPayload(event)[0].items[0]).toMatchObject({
      attachments: [
        { type: 'file', url: '' },
        { type: 'file', url: 'https://f.zdn.vn/a.pdf' },
      ],
    });
  });
});

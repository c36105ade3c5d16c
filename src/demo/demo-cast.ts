import { FAKE_SECRETS } from '../dev/webhook-signing.js';

/** The people and places of the demo: a small shop answering customers on three platforms. */

export type DemoPlatform = 'facebook' | 'zalo' | 'tiktok';

export const PLATFORM_LABELS: Record<DemoPlatform, string> = {
  facebook: 'Facebook',
  zalo: 'Zalo',
  tiktok: 'TikTok',
};

export interface DemoChannel {
  platform: DemoPlatform;
  externalId: string;
  name: string;
  credentials: Record<string, string>;
}

/** One channel per platform, with the fake secrets the local platform fake and the signed webhooks share. */
export const DEMO_CHANNELS: Record<DemoPlatform, DemoChannel> = {
  facebook: {
    platform: 'facebook',
    externalId: '102938475610293',
    name: 'Hoa Mai Boutique (Facebook page)',
    credentials: { ...FAKE_SECRETS.facebook },
  },
  zalo: {
    platform: 'zalo',
    externalId: '388613280878808645',
    name: 'Hoa Mai Boutique (Zalo OA)',
    credentials: { ...FAKE_SECRETS.zalo },
  },
  tiktok: {
    platform: 'tiktok',
    externalId: 'demo_business_hoamai',
    name: '@hoamai.boutique (TikTok)',
    credentials: { ...FAKE_SECRETS.tiktok },
  },
};

export interface DemoAgent {
  email: string;
  name: string;
  platforms: DemoPlatform[];
}

export const DEMO_ADMIN = { email: 'admin@demo.example.com', name: 'Admin' } as const;

/** Two agents with overlapping channels, so channel membership is visible in the console. */
export const DEMO_AGENTS: DemoAgent[] = [
  { email: 'linh@demo.example.com', name: 'Linh Tran', platforms: ['facebook', 'zalo'] },
  { email: 'minh@demo.example.com', name: 'Minh Pham', platforms: ['zalo', 'tiktok'] },
];

export interface DemoCustomer {
  platform: DemoPlatform;
  /** The platform's user id (PSID, Zalo user id, TikTok open id). */
  userId: string;
  /** TikTok only: the thread id. */
  conversationId?: string;
  /** TikTok only: the handle the webhook carries. */
  username?: string;
  name: string;
  phone?: string;
  /** Index into DEMO_STORIES, or null for a newcomer who first writes while the demo plays. */
  story: number | null;
}

/** What the shop does with a story's conversation once it is seeded. */
export interface StoryOutcome {
  /** A reply sent through the inbox (so it goes through the platform fake and its receipts). */
  inboxReply?: string;
  status?: 'pending' | 'resolved';
}

/** Index-aligned with DEMO_STORIES. */
export const STORY_OUTCOMES: StoryOutcome[] = [
  {},
  { status: 'resolved' },
  { inboxReply: 'Good news: the courier delivers it tomorrow morning. Sorry for the wait!' },
  {},
  { inboxReply: 'Dạ được ạ, bạn gửi lại váy về shop, shop đổi size M cho bạn nhé.' },
  { status: 'pending' },
  { status: 'resolved' },
  { inboxReply: 'So sorry about that! We will send a new jacket today, no need to return the old one.' },
  {},
];

/** One line of a conversation's history: who wrote it and how many minutes before the seeding. */
export interface StoryLine {
  from: 'customer' | 'shop';
  text: string;
  minutesAgo: number;
  /** A customer's photo or file (one of DEMO_ATTACHMENTS, by name; Facebook and Zalo carry them). */
  attachment?: string;
}

/**
 * Past conversations. Shop lines are replies typed in the platform's own tools (they arrive as echoes), so the
 * history keeps its real times; a few conversations also get a reply through the inbox itself when seeded.
 */
export const DEMO_STORIES: StoryLine[][] = [
  [
    { from: 'customer', text: 'Hi! Is the linen midi dress still available in beige?', minutesAgo: 52 * 60 },
    { from: 'shop', text: 'Hello! Yes, beige is in stock in S, M and L.', minutesAgo: 52 * 60 - 6 },
    { from: 'customer', text: 'Great, I will order an M tonight.', minutesAgo: 51 * 60 },
  ],
  [
    { from: 'customer', text: 'Shop ơi, áo sơ mi trắng còn size M không ạ?', minutesAgo: 30 * 60 },
    { from: 'shop', text: 'Dạ còn ạ, bạn muốn giao về đâu ạ?', minutesAgo: 30 * 60 - 4 },
    { from: 'customer', text: 'Giao về Quận 3 giúp mình nhé.', minutesAgo: 29 * 60 },
    { from: 'shop', text: 'Dạ shop đã lên đơn, 2-3 ngày nữa bạn nhận được ạ.', minutesAgo: 29 * 60 - 10 },
  ],
  [
    { from: 'customer', text: 'My order #4512 has not arrived yet, can you check?', minutesAgo: 20 * 60 },
    { from: 'customer', text: 'Here is my receipt', minutesAgo: 20 * 60 - 1, attachment: 'receipt.png' },
    { from: 'shop', text: 'Sorry about that! Checking with the courier now.', minutesAgo: 20 * 60 - 15 },
    { from: 'customer', text: 'Any news? I need it for Saturday.', minutesAgo: 3 * 60 },
  ],
  [
    { from: 'customer', text: 'Do you ship to Da Nang?', minutesAgo: 6 * 60 },
    { from: 'shop', text: 'We do, 30k shipping, free over 500k.', minutesAgo: 6 * 60 - 3 },
    { from: 'customer', text: 'Perfect, thanks 🙏', minutesAgo: 5 * 60 },
  ],
  [
    { from: 'customer', text: 'Mình muốn đổi size váy từ S sang M được không ạ?', minutesAgo: 9 * 60 },
    { from: 'customer', text: 'Váy chưa mặc, còn nguyên tem ạ.', minutesAgo: 9 * 60 - 1 },
  ],
  [
    { from: 'customer', text: 'Saw your video with the straw bag, how much is it?', minutesAgo: 26 * 60 },
    { from: 'shop', text: 'It is 350k, we have it in natural and black.', minutesAgo: 26 * 60 - 20 },
    { from: 'customer', text: 'Natural please! Can I pay on delivery?', minutesAgo: 25 * 60 },
    { from: 'shop', text: 'Yes, cash on delivery is fine.', minutesAgo: 25 * 60 - 5 },
  ],
  [
    { from: 'customer', text: 'What time do you open on Sunday?', minutesAgo: 70 * 60 },
    { from: 'shop', text: 'From 9am to 9pm every day!', minutesAgo: 70 * 60 - 30 },
  ],
  [
    { from: 'customer', text: 'The zip on my jacket broke after one week 😕', minutesAgo: 2 * 60 },
    {
      from: 'customer',
      text: 'The jacket I received',
      minutesAgo: 2 * 60 - 1,
      attachment: 'jacket-green.png',
    },
    { from: 'customer', text: 'Can I get a replacement?', minutesAgo: 2 * 60 - 2 },
  ],
  [
    { from: 'customer', text: 'Có mã giảm giá cho khách mới không shop?', minutesAgo: 14 * 60 },
    { from: 'shop', text: 'Dạ có ạ, nhập HOAMAI10 giảm 10% đơn đầu tiên nhé.', minutesAgo: 14 * 60 - 8 },
    { from: 'customer', text: 'Cảm ơn shop nhiều!', minutesAgo: 13 * 60 },
  ],
];

const facebook = (index: number, name: string, story: number | null, phone?: string): DemoCustomer => ({
  platform: 'facebook',
  userId: String(7_392_015_648_120_400 + index),
  name,
  phone,
  story,
});

const zalo = (index: number, name: string, story: number | null, phone?: string): DemoCustomer => ({
  platform: 'zalo',
  userId: String(246_845_883_529_198_000n + BigInt(index)),
  name,
  phone,
  story,
});

const tiktok = (index: number, username: string, name: string, story: number | null): DemoCustomer => ({
  platform: 'tiktok',
  userId: `demo_tt_user_${index}`,
  conversationId: `demo+conv${index}==`,
  username,
  name,
  story,
});

/** 36 customers: 27 with a history, 9 newcomers who write in for the first time while the demo plays. */
export const DEMO_CUSTOMERS: DemoCustomer[] = [
  facebook(1, 'Alice Nguyen', 0, '+84 90 123 4501'),
  facebook(2, 'Ben Carter', 2),
  facebook(3, 'Chloe Tran', 3, '+84 90 123 4503'),
  facebook(4, 'David Le', 6),
  facebook(5, 'Emma Vo', 7),
  facebook(6, 'Frank Hoang', 5),
  facebook(7, 'Grace Lim', 0),
  facebook(8, 'Hana Sato', 3),
  facebook(9, 'Ivan Petrov', 2),
  facebook(10, 'Julia Marsh', null),
  facebook(11, 'Kevin Do', null),
  facebook(12, 'Lena Fischer', null),
  zalo(1, 'Nguyễn Thu Hà', 1, '+84 91 555 0101'),
  zalo(2, 'Trần Minh Khoa', 4),
  zalo(3, 'Lê Thị Mai', 8, '+84 91 555 0103'),
  zalo(4, 'Phạm Quốc Bảo', 1),
  zalo(5, 'Võ Ngọc Anh', 4),
  zalo(6, 'Đặng Gia Huy', 8),
  zalo(7, 'Bùi Thanh Tâm', 1),
  zalo(8, 'Hồ Phương Linh', 4, '+84 91 555 0108'),
  zalo(9, 'Đỗ Hải Yến', 8),
  zalo(10, 'Ngô Đức Thịnh', null),
  zalo(11, 'Dương Khánh Vy', null),
  zalo(12, 'Lý Hoàng Nam', null),
  tiktok(1, 'jenny.park', 'Jenny Park', 5),
  tiktok(2, 'tomas_r', 'Tomás Rivera', 7),
  tiktok(3, 'mai.style', 'Mai Hoàng', 5),
  tiktok(4, 'ollie.w', 'Oliver White', 3),
  tiktok(5, 'sunny.ng', 'Sunny Nguyen', 6),
  tiktok(6, 'kat.loves.linen', 'Kat Brown', 5),
  tiktok(7, 'duy.fits', 'Duy Trương', 7),
  tiktok(8, 'rosie.m', 'Rosie Miller', 3),
  tiktok(9, 'an.vu', 'An Vũ', 6),
  tiktok(10, 'leo.tk', 'Leo Kim', null),
  tiktok(11, 'nina.bella', 'Nina Bella', null),
  tiktok(12, 'quang.h', 'Quang Huỳnh', null),
];

/** What customers write while the demo plays. */
export const LIVE_LINES: Record<'en' | 'vi', string[]> = {
  en: [
    'Hi, is this still available?',
    'Do you have it in size L?',
    'How long does delivery take to Hanoi?',
    'Can I pay by bank transfer?',
    'Thanks, received it today!',
    'Is the store open now?',
    'What is the price of the white sneakers?',
    'Can I change the delivery address on my order?',
    'Do you restock the blue tote soon?',
    'I would like to return an item, how does it work?',
    'Hello? Anyone there? 🙂',
    'Could you send me the size chart?',
  ],
  vi: [
    'Shop ơi, mẫu này còn hàng không ạ?',
    'Ship về Hà Nội mất mấy ngày vậy shop?',
    'Mình chuyển khoản được không ạ?',
    'Cho mình xin bảng size với ạ.',
    'Đơn của mình giao tới đâu rồi shop?',
    'Mình nhận được hàng rồi, đẹp lắm ạ!',
    'Áo này có màu xanh không shop?',
    'Shop có mở cửa hôm nay không ạ?',
    'Cho mình đổi địa chỉ giao hàng được không?',
    'Mã HOAMAI10 còn dùng được không ạ?',
  ],
};

/** The language a customer writes in: Zalo is a Vietnamese app; the others mix. */
export function languageOf(customer: DemoCustomer): 'en' | 'vi' {
  if (customer.platform === 'zalo') return 'vi';
  return /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(customer.name) ? 'vi' : 'en';
}

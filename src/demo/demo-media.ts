import { crc32, deflateSync } from 'node:zlib';
import type { FakeFile } from '../dev/fake-platforms.js';

/**
 * Small files the platform fake serves as customers' attachments: a few PNG "photos" drawn here (no binary
 * files in the repository) and a one-page PDF.
 */

type Rgb = readonly [number, number, number];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BIT_DEPTH = 8;
const COLOUR_TYPE_RGB = 2;
const FILTER_NONE = 0;

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, checksum]);
}

/** An RGB PNG of `width` × `height` whose pixels `paint` chooses. */
export function encodePng(width: number, height: number, paint: (x: number, y: number) => Rgb): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([BIT_DEPTH, COLOUR_TYPE_RGB, 0, 0, 0], 8);
  const rowBytes = 1 + width * 3;
  const pixels = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y += 1) {
    pixels[y * rowBytes] = FILTER_NONE;
    for (let x = 0; x < width; x += 1) pixels.set(paint(x, y), y * rowBytes + 1 + x * 3);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const mix = (from: Rgb, to: Rgb, share: number): Rgb =>
  [0, 1, 2].map((i) => Math.round(from[i] + (to[i] - from[i]) * share)) as unknown as Rgb;

/** A garment-ish shape on a soft background: enough to look like a product photo in a thread. */
function productPhoto(background: Rgb, item: Rgb): Buffer {
  const size = 160;
  return encodePng(size, size, (x, y) => {
    const inBody = Math.abs(x - size / 2) < 28 + y / 6 && y > 40 && y < 140;
    const inSleeves = y > 40 && y < 75 && Math.abs(x - size / 2) < 62 - (y - 40);
    if (inBody || inSleeves) return mix(item, [255, 255, 255], (y - 40) / 300);
    return mix(background, [255, 255, 255], y / size / 2);
  });
}

/** A receipt-like slip: white paper with grey lines. */
function receiptPhoto(): Buffer {
  return encodePng(120, 180, (x, y) => {
    const onPaper = x > 15 && x < 105 && y > 10 && y < 170;
    if (!onPaper) return [60, 64, 72];
    return y % 14 < 2 && x > 25 && x < 95 ? [150, 150, 150] : [250, 250, 246];
  });
}

/** A one-page PDF with one line of text (what file-type and a PDF viewer both accept). */
function orderListPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    '', // the content stream, below
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const text = 'BT /F1 14 Tf 24 90 Td (Order list: 2x linen dress M, 1x straw bag) Tj ET';
  objects[3] = `<< /Length ${text.length} >>\nstream\n${text}\nendstream`;
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

export interface DemoAttachment {
  name: string;
  type: 'image' | 'file';
  /** What the customer says about it (shown as the caption on Zalo, in the demo's log line elsewhere). */
  caption: string;
  /** The same, in Vietnamese. */
  captionVi: string;
}

/** The files customers send, by name. */
export const DEMO_ATTACHMENTS: DemoAttachment[] = [
  {
    name: 'dress-beige.png',
    type: 'image',
    caption: 'This one, in beige',
    captionVi: 'Mẫu này màu be nhé shop',
  },
  {
    name: 'shirt-blue.png',
    type: 'image',
    caption: 'Do you have this shirt?',
    captionVi: 'Shop có áo này không ạ?',
  },
  {
    name: 'jacket-green.png',
    type: 'image',
    caption: 'The jacket I received',
    captionVi: 'Áo khoác mình nhận được',
  },
  { name: 'receipt.png', type: 'image', caption: 'Here is my receipt', captionVi: 'Hoá đơn của mình đây ạ' },
  {
    name: 'order-list.pdf',
    type: 'file',
    caption: 'My order list',
    captionVi: 'Danh sách đơn hàng của mình',
  },
];

export function demoFiles(): Record<string, FakeFile> {
  const png = (body: Buffer): Omit<FakeFile, 'fileName'> => ({ contentType: 'image/png', body });
  const files = {
    'dress-beige.png': png(productPhoto([214, 226, 233], [222, 196, 160])),
    'shirt-blue.png': png(productPhoto([240, 232, 220], [86, 128, 196])),
    'jacket-green.png': png(productPhoto([228, 228, 236], [84, 120, 84])),
    'receipt.png': png(receiptPhoto()),
    'order-list.pdf': { contentType: 'application/pdf', body: orderListPdf() },
  };
  // Named in Content-Disposition too: a TikTok download URL (by media id) says nothing of the name.
  return Object.fromEntries(Object.entries(files).map(([name, file]) => [name, { ...file, fileName: name }]));
}

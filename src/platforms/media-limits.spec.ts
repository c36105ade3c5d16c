import { describe, expect, it } from '@jest/globals';
import { mediaLimitProblem } from './media-limits.js';

const MB = 1024 * 1024;

describe('mediaLimitProblem', () => {
  it('tiktok: JPG/PNG images up to 3 MB only', () => {
    expect(mediaLimitProblem('tiktok', { kind: 'image', mimeType: 'image/png', size: 3 * MB })).toBeNull();
    expect(mediaLimitProblem('tiktok', { kind: 'image', mimeType: 'image/png', size: 4 * MB })).toBe(
      'TikTok accepts images up to 3 MB',
    );
    expect(mediaLimitProblem('tiktok', { kind: 'file', mimeType: 'application/pdf', size: 1000 })).toBe(
      'TikTok accepts only JPG and PNG images',
    );
    expect(mediaLimitProblem('tiktok', { kind: 'image', mimeType: 'image/gif', size: 1000 })).not.toBeNull();
  });

  it('zalo: images up to 1 MB, PDF/DOC/DOCX files up to 5 MB', () => {
    expect(mediaLimitProblem('zalo', { kind: 'image', mimeType: 'image/jpeg', size: MB })).toBeNull();
    expect(mediaLimitProblem('zalo', { kind: 'image', mimeType: 'image/jpeg', size: MB + 1 })).not.toBeNull();
    expect(mediaLimitProblem('zalo', { kind: 'file', mimeType: 'application/pdf', size: 5 * MB })).toBeNull();
    expect(mediaLimitProblem('zalo', { kind: 'file', mimeType: 'application/zip', size: 10 })).toBe(
      'Zalo accepts only PDF, DOC and DOCX files',
    );
  });

  it('facebook: any kind up to 25 MB', () => {
    expect(mediaLimitProblem('facebook', { kind: 'video', mimeType: 'video/mp4', size: 25 * MB })).toBeNull();
    expect(
      mediaLimitProblem('facebook', { kind: 'file', mimeType: 'application/pdf', size: 25 * MB + 1 }),
    ).toBe('Facebook accepts attachments up to 25 MB');
  });
});

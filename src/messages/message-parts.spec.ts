import { describe, expect, it } from '@jest/globals';
import { planParts, platformMessageCount } from './message-parts.js';

describe('planParts', () => {
  it('sends the text first, then each file in order', () => {
    expect(planParts('look', ['a', 'b'])).toEqual([
      { index: 0, kind: 'text', mediaId: null },
      { index: 1, kind: 'file', mediaId: 'a' },
      { index: 2, kind: 'file', mediaId: 'b' },
    ]);
  });

  it('has no text part without text', () => {
    expect(planParts('', ['a'])).toEqual([{ index: 0, kind: 'file', mediaId: 'a' }]);
  });
});

describe('platformMessageCount', () => {
  it('is one per part, and one for a text without attachments', () => {
    expect(platformMessageCount('look', ['a', 'b'])).toBe(3);
    expect(platformMessageCount('', ['a', 'b'])).toBe(2);
    expect(platformMessageCount('just text', [])).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { conversationCustomerLabel, customerInitials, customerLabel } from './customer-label';

describe('customerLabel', () => {
  it('is the name when one is known, trimmed', () => {
    expect(customerLabel({ name: '  Linh Tran ' }, { platform: 'facebook', externalUserId: '7392015648124821' })).toBe(
      'Linh Tran',
    );
  });

  it('falls back to the platform and the last digits of the platform user id', () => {
    expect(customerLabel({ name: null }, { platform: 'facebook', externalUserId: '7392015648124821' })).toBe(
      'Facebook user …4821',
    );
    expect(customerLabel({ name: '   ' }, { platform: 'zalo', externalUserId: '246845883529197922' })).toBe(
      'Zalo user …7922',
    );
    expect(customerLabel({ name: null }, { platform: 'tiktok', externalUserId: null })).toBe('TikTok user');
  });

  it('tells two unnamed customers of one platform apart', () => {
    const first = customerLabel({ name: null }, { platform: 'facebook', externalUserId: '1000000000001111' });
    const second = customerLabel({ name: null }, { platform: 'facebook', externalUserId: '1000000000002222' });
    expect(first).not.toBe(second);
  });

  it('says "Unknown customer" only when nothing is known', () => {
    expect(customerLabel(undefined)).toBe('Unknown customer');
    expect(customerLabel({ name: null })).toBe('Unknown customer');
  });

  it('reads a conversation: its platform and the customer id the thread carries', () => {
    const conversation = {
      platform: 'zalo' as const,
      customer: { id: 'c-1', name: null, avatarUrl: null, externalUserId: '5510185758261927916' },
    };
    expect(conversationCustomerLabel(conversation)).toBe('Zalo user …7916');
    expect(conversationCustomerLabel({ ...conversation, customer: { ...conversation.customer, name: 'Hoa' } })).toBe('Hoa');
    expect(conversationCustomerLabel(undefined)).toBe('Unknown customer');
  });
});

describe('customerInitials', () => {
  it('takes the first letters of up to two words, any script', () => {
    expect(customerInitials('Linh Tran')).toBe('LT');
    expect(customerInitials('nguyễn thị hoa')).toBe('NT');
    expect(customerInitials('Chị Lan (VIP)')).toBe('CL');
    expect(customerInitials('Ánh')).toBe('Á');
  });

  it('is a question mark while there is no name', () => {
    expect(customerInitials(null)).toBe('?');
    expect(customerInitials('  ')).toBe('?');
  });
});

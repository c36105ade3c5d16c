import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionIndicatorView } from './connection-indicator';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-01-01T10:00:00.000Z') }));
afterEach(() => vi.useRealTimers());

describe('ConnectionIndicator', () => {
  it('counts down to the next reconnect attempt', () => {
    const status = {
      state: 'reconnecting' as const,
      nextRetryAt: Date.now() + 4_000,
      attempt: 3,
      lastEventId: '9',
    };
    render(<ConnectionIndicatorView status={status} role="leader" />);
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting in 4s');
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting in 3s');
    act(() => {
      vi.advanceTimersByTime(3_000);
    });
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting in 0s');
  });

  it.each([
    ['live', 'Live'],
    ['catching_up', 'Catching up…'],
    ['offline', 'Offline'],
    ['connecting', 'Connecting…'],
  ] as const)('shows %s', (state, label) => {
    render(
      <ConnectionIndicatorView
        status={{ state, nextRetryAt: null, attempt: 0, lastEventId: null }}
        role="follower"
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent(label);
    expect(screen.getByRole('status')).toHaveAttribute('data-state', state);
    expect(vi.getTimerCount()).toBe(0); // nothing ticks unless a countdown is shown
  });
});

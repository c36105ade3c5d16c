import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActivityKind } from '../realtime/ephemeral-events';
import { ACTIVITY_REPEAT_MS, ActivityReporter, MIN_REPORT_GAP_MS } from './activity-reporter';

let sent: Array<{ kind: ActivityKind; at: number }>;
let reporter: ActivityReporter;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  sent = [];
  reporter = new ActivityReporter(async (kind) => {
    sent.push({ kind, at: Date.now() });
  });
});
afterEach(() => {
  reporter.dispose();
  vi.useRealTimers();
});

const kinds = (): ActivityKind[] => sent.map((report) => report.kind);

describe('ActivityReporter', () => {
  it('reports viewing while visible, repeated before the TTL, and idle when hidden', async () => {
    reporter.setVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(kinds()).toEqual(['viewing']);
    await vi.advanceTimersByTimeAsync(ACTIVITY_REPEAT_MS * 2);
    expect(kinds()).toEqual(['viewing', 'viewing', 'viewing']);
    reporter.setVisible(false);
    expect(kinds()).toEqual(['viewing', 'viewing', 'viewing', 'idle']);
    await vi.advanceTimersByTimeAsync(ACTIVITY_REPEAT_MS * 3);
    expect(sent).toHaveLength(4);
  });

  it('reports typing while keys are pressed, repeats it, never faster than the rate limit', async () => {
    reporter.setVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    // A key every 50 ms for 10 s.
    for (let elapsed = 0; elapsed < 10_000; elapsed += 50) {
      reporter.typed();
      await vi.advanceTimersByTimeAsync(50);
    }
    const typing = sent.filter((report) => report.kind === 'typing');
    expect(typing.length).toBeGreaterThanOrEqual(3); // 10 s at one report per 4 s at least
    expect(typing.length).toBeLessThanOrEqual(4);
    for (let index = 1; index < sent.length; index += 1)
      expect(sent[index].at - sent[index - 1].at).toBeGreaterThanOrEqual(MIN_REPORT_GAP_MS);
    // Keys stop: typing lapses into viewing.
    await vi.advanceTimersByTimeAsync(ACTIVITY_REPEAT_MS + MIN_REPORT_GAP_MS);
    expect(kinds().at(-1)).toBe('viewing');
  });

  it('stopping typing (blur, sent, cleared) sends idle at once, then viewing again', async () => {
    reporter.setVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    reporter.typed();
    await vi.advanceTimersByTimeAsync(MIN_REPORT_GAP_MS);
    expect(kinds()).toEqual(['viewing', 'typing']);
    reporter.stopTyping();
    expect(kinds()).toEqual(['viewing', 'typing', 'idle']);
    await vi.advanceTimersByTimeAsync(MIN_REPORT_GAP_MS);
    expect(kinds()).toEqual(['viewing', 'typing', 'idle', 'viewing']);
    reporter.stopTyping(); // not typing: nothing to end
    expect(sent).toHaveLength(4);
  });

  it('leaving the thread ends the report; typing in a hidden tab reports nothing', async () => {
    reporter.typed();
    await vi.advanceTimersByTimeAsync(ACTIVITY_REPEAT_MS);
    expect(sent).toEqual([]);
    reporter.setVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    reporter.dispose();
    expect(kinds()).toEqual(['viewing', 'idle']);
  });
});

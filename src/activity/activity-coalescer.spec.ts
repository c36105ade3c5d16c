import { describe, expect, it } from '@jest/globals';
import { ActivityCoalescer, DELIVERY_MARGIN_MS } from './activity-coalescer.js';

const TTL = 6000;

describe('ActivityCoalescer', () => {
  it('forwards the first report and drops repeats while the announced copy outlasts the next repeat', () => {
    const coalescer = new ActivityCoalescer(TTL);
    expect(coalescer.decide('u', 'c', 'typing', 0)).toBe(TTL);
    // Repeats every second: each leaves more than one gap + margin of the copy announced at 0.
    expect(coalescer.decide('u', 'c', 'typing', 1000)).toBeNull();
    expect(coalescer.decide('u', 'c', 'typing', 2000)).toBeNull();
    expect(coalescer.decide('u', 'c', 'typing', 3000)).toBeNull();
    // 4000: 2000 left, the next repeat is due in 1000 and reaches the clients up to the margin later (hold +
    // transit, 1250): it would lapse first, so this one refreshes.
    expect(DELIVERY_MARGIN_MS).toBe(1250);
    expect(coalescer.decide('u', 'c', 'typing', 4000)).toBe(4000 + TTL);
    expect(coalescer.decide('u', 'c', 'typing', 5000)).toBeNull();
  });

  it('forwards every repeat when the gap leaves no room (a 3 s repeat of a 6 s report)', () => {
    const coalescer = new ActivityCoalescer(TTL);
    expect(coalescer.decide('u', 'c', 'viewing', 0)).toBe(TTL);
    expect(coalescer.decide('u', 'c', 'viewing', 3000)).toBe(3000 + TTL);
    expect(coalescer.decide('u', 'c', 'viewing', 6000)).toBe(6000 + TTL);
  });

  it('keeps the margin: a repeat whose next one would land within the margin of the expiry is forwarded', () => {
    const coalescer = new ActivityCoalescer(TTL);
    coalescer.decide('u', 'c', 'viewing', 0);
    const gap = (TTL - DELIVERY_MARGIN_MS) / 2;
    expect(coalescer.decide('u', 'c', 'viewing', gap - 10)).toBeNull();
    expect(coalescer.decide('u', 'c', 'viewing', 2 * gap)).toBe(2 * gap + TTL);
  });

  it('sends a change of kind and idle at once, and a report after idle again', () => {
    const coalescer = new ActivityCoalescer(TTL);
    expect(coalescer.decide('u', 'c', 'viewing', 0)).toBe(TTL);
    expect(coalescer.decide('u', 'c', 'typing', 100)).toBe(100 + TTL);
    expect(coalescer.decide('u', 'c', 'viewing', 200)).toBe(200 + TTL);
    expect(coalescer.decide('u', 'c', 'idle', 300)).toBe(300);
    expect(coalescer.decide('u', 'c', 'idle', 400)).toBe(400);
    expect(coalescer.decide('u', 'c', 'viewing', 500)).toBe(500 + TTL);
  });

  it('keeps users and conversations apart, and forgets expired reports', () => {
    const coalescer = new ActivityCoalescer(TTL);
    expect(coalescer.decide('u', 'c', 'typing', 0)).toBe(TTL);
    expect(coalescer.decide('v', 'c', 'typing', 10)).toBe(10 + TTL);
    expect(coalescer.decide('u', 'd', 'typing', 20)).toBe(20 + TTL);
    coalescer.sweep(TTL + 100);
    expect(coalescer.decide('u', 'c', 'typing', TTL + 200)).toBe(2 * TTL + 200);
  });
});

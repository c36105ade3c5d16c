import type { RelayedEvent } from './relayed-event.js';

const DEFAULT_MAX_EVENTS = 50_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The newest relayed events, in id order, so that a client resuming from a recent id is served from memory
 * (no query, no re-serialisation). Covers every event with id > coverageStart: older ones come from the log.
 */
export class RecentEvents {
  /** Slots before `first` are evicted (emptied, so the events can be collected before the array is compacted). */
  private readonly events: Array<RelayedEvent | undefined> = [];
  private first = 0;
  private bytes = 0;
  /** Nothing is covered until the first event: the relay publishes every event after its start, in order. */
  private coverageStart = Number.POSITIVE_INFINITY;

  constructor(
    private readonly maxEvents = DEFAULT_MAX_EVENTS,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  push(event: RelayedEvent): void {
    if (this.size === 0 && this.coverageStart === Number.POSITIVE_INFINITY) this.coverageStart = event.id - 1;
    this.events.push(event);
    this.bytes += event.frame.byteLength + event.dataJson.length;
    while (this.size > this.maxEvents || (this.bytes > this.maxBytes && this.size > 1)) {
      const evicted = this.events[this.first]!;
      this.bytes -= evicted.frame.byteLength + evicted.dataJson.length;
      this.coverageStart = evicted.id;
      this.events[this.first] = undefined;
      this.first += 1;
    }
    if (this.first > 1024 && this.first * 2 > this.events.length) {
      this.events.splice(0, this.first);
      this.first = 0;
    }
  }

  get size(): number {
    return this.events.length - this.first;
  }

  /** Events with afterId < id <= untilId, or null when part of that range is no longer (or never was) held. */
  range(afterId: number, untilId: number): RelayedEvent[] | null {
    if (afterId < this.coverageStart) return null;
    let low = this.first;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.events[middle]!.id <= afterId) low = middle + 1;
      else high = middle;
    }
    const result: RelayedEvent[] = [];
    for (let index = low; index < this.events.length && this.events[index]!.id <= untilId; index++) result.push(this.events[index]!);
    return result;
  }
}

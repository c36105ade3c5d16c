/** In-page stand-ins for the cross-tab browser APIs jsdom lacks: Web Locks and BroadcastChannel. */

type LockCallback = () => unknown;

interface Waiter {
  callback: LockCallback;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
}

/** Exclusive locks by name, granted in request order, released when the callback's promise settles. */
export class FakeLockManager {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, Waiter[]>();

  request(name: string, options: { signal?: AbortSignal }, callback: LockCallback): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { callback, resolve, reject, signal: options.signal };
      options.signal?.addEventListener('abort', () => {
        const queue = this.queues.get(name) ?? [];
        const index = queue.indexOf(waiter);
        if (index >= 0) {
          queue.splice(index, 1);
          reject(new DOMException('aborted', 'AbortError'));
        }
      });
      const queue = this.queues.get(name) ?? [];
      queue.push(waiter);
      this.queues.set(name, queue);
      this.grant(name);
    });
  }

  private grant(name: string): void {
    if (this.held.has(name)) return;
    const waiter = this.queues.get(name)?.shift();
    if (!waiter) return;
    this.held.add(name);
    Promise.resolve()
      .then(() => waiter.callback())
      .then(waiter.resolve, waiter.reject)
      .finally(() => {
        this.held.delete(name);
        this.grant(name);
      });
  }
}

/** Delivers each message to every other open channel of the same name, asynchronously like the real one. */
export class FakeBroadcastChannel {
  private static readonly open = new Set<FakeBroadcastChannel>();
  onmessage: ((event: MessageEvent) => void) | null = null;
  private closed = false;

  constructor(readonly name: string) {
    FakeBroadcastChannel.open.add(this);
  }

  static count(): number {
    return FakeBroadcastChannel.open.size;
  }

  postMessage(data: unknown): void {
    if (this.closed) throw new Error('posted on a closed channel');
    const copy = structuredClone(data);
    for (const other of FakeBroadcastChannel.open) {
      if (other === this || other.name !== this.name) continue;
      queueMicrotask(() => {
        if (!other.closed) other.onmessage?.(new MessageEvent('message', { data: copy }));
      });
    }
  }

  close(): void {
    this.closed = true;
    FakeBroadcastChannel.open.delete(this);
  }
}

/**
 * Groups concurrent webhook deliveries into shared transactions. One group runs at a time; deliveries that
 * arrive meanwhile form the next group. An idle system therefore adds no delay, and a busy one pays the
 * per-transaction costs (BEGIN, the event log's ordering lock, the commit's WAL flush) once per group instead
 * of once per delivery. Each delivery still lands in ONE transaction with all its events. If a group fails,
 * each of its deliveries is replayed alone, so one bad delivery never fails the others.
 */
export const MAX_DELIVERIES_PER_TRANSACTION = 50;

interface Waiting<Input, Output> {
  input: Input;
  resolve: (output: Output) => void;
  reject: (error: unknown) => void;
}

export class DeliveryBatcher<Input, Output> {
  private readonly queue: Array<Waiting<Input, Output>> = [];
  private running: Promise<void> | undefined;

  /** `applyTogether` applies inputs in one transaction and answers one output per input, in order. */
  constructor(
    private readonly applyTogether: (inputs: Input[]) => Promise<Output[]>,
    private readonly maxGroupSize = MAX_DELIVERIES_PER_TRANSACTION,
  ) {}

  submit(input: Input): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.start();
    });
  }

  /** Resolves once every submitted delivery has been answered (for shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private start(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0) this.start();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroupSize);
      try {
        const outputs = await this.applyTogether(group.map((waiting) => waiting.input));
        group.forEach((waiting, index) => waiting.resolve(outputs[index]));
      } catch (error) {
        if (group.length === 1) {
          group[0].reject(error);
          continue;
        }
        for (const waiting of group) {
          try {
            const [output] = await this.applyTogether([waiting.input]);
            waiting.resolve(output);
          } catch (alone) {
            waiting.reject(alone);
          }
        }
      }
    }
  }
}

/**
 * One Ctrl-C under `npm run demo` arrives twice (from the terminal, and forwarded by npm): only a signal this
 * long after the first one forces the stop.
 */
const REPEATED_SIGNAL_MS = 1_000;

/** Thrown into the start-up when a stop was asked for before it finished. */
export class StopRequested extends Error {}

/** Turns SIGINT, SIGTERM and SIGHUP into one orderly stop; a deliberate second signal forces it. */
export class Stopper {
  private resolveRequested!: () => void;
  readonly requested = new Promise<void>((resolve) => (this.resolveRequested = resolve));
  private firstSignalAt: number | undefined;

  constructor(
    private readonly say: (line: string) => void,
    private readonly force: () => void,
  ) {
    // SIGHUP: the terminal closed; stop as cleanly as on Ctrl-C.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.on(signal, () => this.onSignal(signal));
  }

  /** Waits for `step`, unless a stop comes first. */
  async unlessStopped<T>(step: Promise<T>): Promise<T> {
    step.catch(() => undefined); // abandoned by a stop: its failure no longer matters
    const stopped = this.requested.then(() => {
      throw new StopRequested();
    });
    return Promise.race([step, stopped]);
  }

  private onSignal(signal: string): void {
    const now = Date.now();
    if (this.firstSignalAt === undefined) {
      this.firstSignalAt = now;
      this.say(`\n${signal}: stopping the demo (again to force)…`);
      this.resolveRequested();
    } else if (now - this.firstSignalAt >= REPEATED_SIGNAL_MS) {
      this.say('Forced stop.');
      this.force();
      process.exit(130);
    }
  }
}

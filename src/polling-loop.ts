/**
 * The loop shared by the event worker and the job runner: run rounds back to back while they find
 * work, sleep when idle, and wake at once when this process signals new work, so latency is low
 * without polling the database hard.
 */
export class PollingLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeSleeper: (() => void) | undefined;

  constructor(
    private readonly round: () => Promise<number>,
    private readonly options: { idlePollMs: number; onError: (error: unknown) => void },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.wakeSleeper?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.round();
      } catch (error) {
        this.options.onError(error);
      }
      if (handled === 0 && this.running) await this.sleep(this.options.idlePollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wakeSleeper = done;
    });
  }
}

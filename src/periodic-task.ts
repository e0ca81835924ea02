/**
 * Runs a task once at start and then every `intervalMs`, never two rounds at once; `stop()` waits
 * for a round in progress. MaintenanceTask builds on it for the rounds of worker processes.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.round();
    this.timer = setInterval(() => this.round(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private round(): void {
    if (this.running) return;
    this.running = this.task()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
      });
  }
}

/**
 * The sandbox clock: wall time plus an offset that `POST /_sandbox/clock/advance` grows, so tests
 * can age sessions, secrets and the 30-day event window without waiting.
 */
export class SandboxClock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Unix seconds, the unit of every Stripe timestamp. */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

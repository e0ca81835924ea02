/**
 * Gathers the calls made in one turn of the event loop into one batch, so that many concurrent
 * requests share one database statement and one commit (the ingest's group commit, the entitlement
 * check's group read). At most `maxInFlight` batches run at once; calls arriving meanwhile wait and
 * form the next batch, which is how batches grow under load and stay at one call when idle.
 * `run` settles every item of its batch itself (each item carries its own resolve and reject).
 */
export class CallBatcher<Item> {
  private queue: Item[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: { maxBatch: number; maxInFlight: number; run: (batch: Item[]) => Promise<void> }) {}

  add(item: Item): void {
    this.queue.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets every request already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.options.run(batch).finally(() => {
        this.inFlight -= 1;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }
}

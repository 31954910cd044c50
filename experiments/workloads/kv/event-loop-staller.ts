import { stallFor } from '../lib/busy-wait.ts';

/** Blocks the event loop for `stallMs` every `everyMs`: a server that freezes periodically (GC, compaction). */
export class EventLoopStaller {
  private timer: NodeJS.Timeout | undefined;
  stalls = 0;

  constructor(
    private readonly stallMs: number,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.stalls++;
      stallFor(this.stallMs * 1000);
    }, this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

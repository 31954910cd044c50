/**
 * Releases a fixed number of parties at once: each remote wrapper reports that it is waiting, and
 * when the last one arrives every `go` callback runs in the same tick, so load begins together.
 */
export class StartBarrier {
  readonly parties: number;
  private readonly waiting: { go: () => void; abort: (err: Error) => void }[] = [];
  private broken: Error | undefined;
  private releasedAt: number | undefined;

  constructor(parties: number) {
    if (!Number.isInteger(parties) || parties < 1) throw new Error(`StartBarrier: parties must be a positive integer, got ${parties}`);
    this.parties = parties;
  }

  /** Why the barrier was broken (the first party's failure), undefined while it holds. */
  get brokenBy(): Error | undefined {
    return this.broken;
  }

  /** performance.now() of the release, undefined before it. */
  get released(): number | undefined {
    return this.releasedAt;
  }

  // Wait for the others; `go` runs (synchronously, with everyone else's) at the release.
  arrive(go: () => void): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.releasedAt !== undefined) return Promise.reject(new Error('StartBarrier: already released (more arrivals than parties)'));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ go: () => (go(), resolve()), abort: reject });
      if (this.waiting.length === this.parties) this.release();
    });
  }

  // A party failed before arriving: everyone waiting is told, nobody starts.
  break(reason: Error): void {
    if (this.releasedAt !== undefined || this.broken) return;
    this.broken = reason;
    for (const w of this.waiting.splice(0)) w.abort(reason);
  }

  private release(): void {
    this.releasedAt = performance.now();
    for (const w of this.waiting.splice(0)) {
      try {
        w.go();
      } catch {} // one party's failure shows up in its own start()
    }
  }
}

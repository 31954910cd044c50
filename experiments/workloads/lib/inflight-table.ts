/**
 * Requests sent and not yet answered, by sequence number: each one's intended send time. A growable
 * ring indexed by `seq mod capacity` (typed arrays), so the hot path allocates nothing; it doubles
 * when a pending request would be overwritten (a stalled server holding many requests).
 */
export class InflightTable {
  private seqs: Float64Array;
  private intended: Float64Array;
  private pending = 0;

  constructor(initialCapacity = 4096) {
    const cap = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.seqs = new Float64Array(cap).fill(-1);
    this.intended = new Float64Array(cap);
  }

  /** Requests in flight (sent, neither answered nor taken). */
  get count(): number {
    return this.pending;
  }

  add(seq: number, intendedMs: number): void {
    while (this.seqs[seq % this.seqs.length] !== -1) this.grow();
    const slot = seq % this.seqs.length;
    this.seqs[slot] = seq;
    this.intended[slot] = intendedMs;
    this.pending++;
  }

  // Remove a pending request; its intended send time, or NaN if it is not pending (unknown, or answered twice).
  take(seq: number): number {
    const slot = seq % this.seqs.length;
    if (this.seqs[slot] !== seq) return Number.NaN;
    this.seqs[slot] = -1;
    this.pending--;
    return this.intended[slot]!;
  }

  private grow(): void {
    const seqs = new Float64Array(this.seqs.length * 2).fill(-1);
    const intended = new Float64Array(seqs.length);
    for (let i = 0; i < this.seqs.length; i++) {
      const s = this.seqs[i]!;
      if (s === -1) continue;
      seqs[s % seqs.length] = s;
      intended[s % seqs.length] = this.intended[i]!;
    }
    this.seqs = seqs;
    this.intended = intended;
  }
}

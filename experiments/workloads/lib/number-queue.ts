/**
 * A FIFO of numbers in a growable ring (Float64Array): the generators' per-request queues (pending
 * sequence numbers, due send times) without an allocation per request.
 */
export class NumberQueue {
  private items: Float64Array;
  private head = 0;
  private size = 0;

  constructor(initialCapacity = 1024) {
    this.items = new Float64Array(Math.max(2, initialCapacity));
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) % this.items.length] = value;
    this.size++;
  }

  // The oldest value (undefined when empty).
  peek(): number | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  // Remove and return the oldest value (undefined when empty).
  shift(): number | undefined {
    if (this.size === 0) return undefined;
    const v = this.items[this.head]!;
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    return v;
  }

  // Remove every value, oldest first, handing each to `each`.
  drain(each: (value: number) => void): void {
    while (this.size > 0) each(this.shift()!);
  }

  private grow(): void {
    const next = new Float64Array(this.items.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) % this.items.length]!;
    this.items = next;
    this.head = 0;
  }
}

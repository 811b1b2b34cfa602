/** The last `capacity` ids seen, for dedupe with bounded memory. */
export class RecentIds {
  private readonly set = new Set<string>();
  private readonly ring: string[];
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<string>(capacity);
  }

  /** True if `id` was seen already; otherwise remembers it. */
  seen(id: string): boolean {
    if (this.set.has(id)) return true;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.set.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.set.add(id);
    return false;
  }

  /** Forgets `id`, so that its next copy is handled (after a handler failed on this one). */
  forget(id: string): void {
    this.set.delete(id);
  }
}

// Streams due a push: marking one dirty schedules a push after a short debounce; a stream marked again before then is
// pushed once. At most PUSH_BATCH streams are pushed per event-loop turn, so a change for thousands of proxies does not
// stall the process.
const PUSH_BATCH = 200;

export class PushQueue<T> {
  private readonly dirty = new Set<T>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly debounceMs: number,
    private readonly push: (item: T) => void,
  ) {}

  mark(item: T): void {
    this.dirty.add(item);
    this.timer ??= setTimeout(() => this.flush(), this.debounceMs);
  }

  /** A stream that closed: no push is due any more. */
  delete(item: T): void {
    this.dirty.delete(item);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private flush(): void {
    this.timer = undefined;
    const batch = [...this.dirty].slice(0, PUSH_BATCH);
    for (const item of batch) {
      this.dirty.delete(item);
      this.push(item);
    }
    if (this.dirty.size > 0) this.timer = setTimeout(() => this.flush(), 0);
  }
}

// Rebuilds derived state from the store: loads run one at a time, changes that arrive during a
// load cause exactly one more load after it, and a failed load is retried after a pause.
export class Reloader<T> {
  private loading: Promise<void> | undefined;
  private dirty = false;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly apply: (value: T) => void,
    private readonly onError: (err: unknown) => void,
    private readonly retryMs = 2000,
  ) {}

  run(): Promise<void> {
    if (this.loading) {
      this.dirty = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.dirty = false;
        let value: T;
        try {
          value = await this.load();
        } catch (err) {
          this.onError(err);
          clearTimeout(this.retry);
          if (!this.stopped) this.retry = setTimeout(() => void this.run(), this.retryMs);
          return;
        }
        this.apply(value);
      } while (this.dirty);
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Resolves when no load runs: after the one in flight and those folded into it. */
  idle(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }
}

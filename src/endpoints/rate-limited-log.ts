// Says something about a key at most once per period, counting what it left unsaid, with
// a bound on the keys it remembers (a flood of sources cannot grow it without limit).
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly periodMs: number,
    private readonly maxKeys: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** undefined: stay quiet; otherwise log now, and the number is how many were suppressed since the last time. */
  admit(key: string): number | undefined {
    const t = this.now();
    const seen = this.last.get(key);
    if (seen && t - seen.at < this.periodMs) {
      seen.suppressed++;
      return undefined;
    }
    if (!seen && this.last.size >= this.maxKeys) {
      for (const [k, v] of this.last) if (t - v.at >= this.periodMs) this.last.delete(k);
      if (this.last.size >= this.maxKeys) this.last.clear();
    }
    this.last.set(key, { at: t, suppressed: 0 });
    return seen?.suppressed ?? 0;
  }
}

import { formatAmsterdamInstant } from './amsterdam-time.js';

/**
 * The sandbox's notion of "now", used for `lastUpdated`, `tijdstipRegistratie`, "today" and the
 * paging TTL. Without a start instant it follows the real clock; a set instant freezes it there
 * (tests want exact instants) unless asked to keep running. `reset()` returns to the start state,
 * which is what `POST /__control/reset` does.
 */
export interface ClockState {
  readonly now: string;
  readonly frozen: boolean;
}

export class VirtualClock {
  private anchorMs = 0;
  private anchorRealMs = 0;
  private isFrozen = false;

  /**
   * @param initial start instant (ISO 8601 with an offset, or epoch ms); absent = real time.
   * @param realNow the real clock, replaceable in tests.
   */
  constructor(
    private readonly initial?: string | number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.reset();
  }

  /** Back to the start state: the initial instant (frozen) or the real clock (running). */
  reset(): void {
    if (this.initial === undefined) {
      this.anchorMs = this.realNow();
      this.anchorRealMs = this.anchorMs;
      this.isFrozen = false;
    } else {
      this.set(this.initial);
    }
  }

  nowMs(): number {
    return this.isFrozen ? this.anchorMs : this.anchorMs + (this.realNow() - this.anchorRealMs);
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  /** Moves the clock to an instant; it stays there unless `frozen: false` lets it run on. */
  set(instant: string | number | Date, options: { frozen?: boolean } = {}): void {
    const ms = toMs(instant);
    this.anchorMs = ms;
    this.anchorRealMs = this.realNow();
    this.isFrozen = options.frozen ?? true;
  }

  /** Shifts the clock by whole or fractional seconds (negative goes back), keeping its mode. */
  advance(seconds: number): void {
    this.anchorMs += Math.round(seconds * 1000);
  }

  freeze(): void {
    this.set(this.nowMs(), { frozen: true });
  }

  run(): void {
    this.set(this.nowMs(), { frozen: false });
  }

  state(): ClockState {
    return { now: formatAmsterdamInstant(this.nowMs()), frozen: this.isFrozen };
  }
}

function toMs(instant: string | number | Date): number {
  const ms = typeof instant === 'number' ? instant : instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError('VirtualClock: expected an ISO 8601 instant with an offset or epoch milliseconds');
  return ms;
}

/**
 * The pace of the questions (spec §1.3: at most 5 a second, 4 at once). `QuestionPace` admits a
 * question once fewer than `perSecond` started in the last second (a sliding window; a rate below
 * one a second spaces single questions); `runPool` keeps at most `concurrency` tasks in flight.
 * Time and waiting are injected, so tests check the window without sleeping.
 */
export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realPaceClock: PaceClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class QuestionPace {
  readonly #starts: number[] = [];
  readonly #capacity: number;
  readonly #windowMs: number;

  constructor(perSecond: number, private readonly clock: PaceClock = realPaceClock) {
    if (!(perSecond > 0)) throw new RangeError('QuestionPace: perSecond must be above 0');
    const whole = Number.isInteger(perSecond);
    this.#capacity = whole ? perSecond : 1;
    this.#windowMs = whole ? 1000 : 1000 / perSecond;
  }

  /** Resolves when a question may start, and counts it as started. */
  async admit(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.#starts.length > 0 && (this.#starts[0] as number) <= now - this.#windowMs) this.#starts.shift();
      if (this.#starts.length < this.#capacity) {
        this.#starts.push(now);
        return;
      }
      await this.clock.sleep((this.#starts[0] as number) + this.#windowMs - now);
    }
  }
}

/**
 * Runs `tasks` with at most `concurrency` in flight. A task that throws stops new tasks from
 * starting; the ones in flight finish, then the first error is thrown.
 */
export async function runPool<T>(tasks: ReadonlyArray<() => Promise<T>>, concurrency: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < tasks.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await (tasks[index] as () => Promise<T>)();
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  if (failed !== undefined) throw failed.error;
  return results;
}

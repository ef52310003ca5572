import type { Redis } from 'ioredis';

/**
 * The scheduler's state in Redis (issue 6), under the process's key prefix:
 *
 *   <prefix>:scheduler:slot:<slot id>       which scheduler claimed a slot (SET NX EX): the one
 *                                           that sets it queues the run, every other one leaves it
 *   <prefix>:scheduler:last:<schedule key>  the newest slot of a schedule some scheduler handled,
 *                                           an ISO instant, only ever moved forward
 *
 * SET NX is atomic in Redis, so of any number of schedulers on any number of machines exactly one
 * wins a slot, however close together they try. A claim is kept `slotRetentionDays`, far longer
 * than any scheduler can be behind.
 */
export type ClaimResult = { readonly won: true } | { readonly won: false; readonly holder: string | undefined };

// A value that is not an ISO instant as toISOString() writes it (an operator's typo) is replaced,
// never compared: string order is time order only for that one format.
const moveForwardScript = `
local current = redis.call('GET', KEYS[1])
local iso = '^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%dZ$'
if current and string.match(current, iso) and current >= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

// Releases a claim only while it is still this scheduler's.
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class SlotClaims {
  readonly #redis: Redis;
  readonly #prefix: string;

  /** `holder` is written into every claim this scheduler wins, so operations can see who ran a slot. */
  constructor(redis: Redis, prefix: string, readonly holder: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  claimKey(slot: string): string {
    return `${this.#prefix}:scheduler:slot:${slot}`;
  }

  lastKey(schedule: string): string {
    return `${this.#prefix}:scheduler:last:${schedule}`;
  }

  /** Claims a slot for `ttlSeconds`; tells who holds it when another scheduler was first. */
  async claim(slot: string, ttlSeconds: number): Promise<ClaimResult> {
    const set = await this.#redis.set(this.claimKey(slot), this.holder, 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX');
    if (set === 'OK') return { won: true };
    return { won: false, holder: (await this.#redis.get(this.claimKey(slot))) ?? undefined };
  }

  /** Gives a claim back (its run could not be queued), so a scheduler may try the slot again. */
  async release(slot: string): Promise<void> {
    await this.#redis.eval(releaseScript, 1, this.claimKey(slot), this.holder);
  }

  /** The newest handled slot of a schedule; undefined for a schedule never seen (or an unreadable value). */
  async lastHandled(schedule: string): Promise<Date | undefined> {
    const value = await this.#redis.get(this.lastKey(schedule));
    if (value === null) return undefined;
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }

  /** Moves the newest handled slot forward to `at`; never back (true when it moved). */
  async moveLast(schedule: string, at: Date): Promise<boolean> {
    return (await this.#redis.eval(moveForwardScript, 1, this.lastKey(schedule), at.toISOString())) === 1;
  }
}

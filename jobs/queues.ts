import { Queue, QueueEvents, UnrecoverableError, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { isWerkbrugError } from '../src/errors/werkbrug-error.js';

/**
 * The three queues of werkbrug and how they connect to Redis. Every process and every run passes a
 * key prefix, so runs never see each other's keys and a run can remove exactly its own.
 *
 *   sync   one job per partner per run: pulls the consent stream first, then the other streams
 *   pull   one job per stream per run: pages from the partner through the edge into `ingest`
 *   ingest one job per page (a batch of records): consent check, normalise, store, advance cursor
 */
export const queueNames = { sync: 'sync', pull: 'pull', ingest: 'ingest' } as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export interface QueueSettings {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly attempts: number;
  readonly backoffMs: number;
}

/**
 * Connection options rather than a connection: BullMQ then opens and closes its connections
 * itself (it never closes an instance it was handed, which would keep a process alive).
 * `maxRetriesPerRequest: null`, because a blocking call of a worker must not be given up.
 */
export function redisOptions(url: string): ConnectionOptions {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.replace('/', '') || 0);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

export function defaultJobOptions(settings: QueueSettings): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    // A queued 500-record page holds ~0.3 MB; keep bounded histories (PERFORMANCE.md).
    removeOnComplete: { count: 500 },
    removeOnFail: { count: 5000 },
  };
}

export interface QueueSet {
  readonly sync: Queue;
  readonly pull: Queue;
  readonly ingest: Queue;
  readonly events: { readonly sync: QueueEvents; readonly pull: QueueEvents; readonly ingest: QueueEvents };
  readonly connection: Redis;
  readonly settings: QueueSettings;
  close(): Promise<void>;
  /** Removes every key of this prefix (the demo and tests clean up after themselves). */
  obliterate(): Promise<void>;
}

export async function openQueues(settings: QueueSettings): Promise<QueueSet> {
  // One plain connection of our own for housekeeping (eviction policy, sweeping the prefix).
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: 3 });
  const opts = { connection: redisOptions(settings.redisUrl), prefix: settings.prefix, defaultJobOptions: defaultJobOptions(settings) };
  const sync = new Queue(queueNames.sync, opts);
  const pull = new Queue(queueNames.pull, opts);
  const ingest = new Queue(queueNames.ingest, opts);
  const eventsOf = (name: string): QueueEvents => new QueueEvents(name, { connection: redisOptions(settings.redisUrl), prefix: settings.prefix });
  const events = { sync: eventsOf(queueNames.sync), pull: eventsOf(queueNames.pull), ingest: eventsOf(queueNames.ingest) };
  // Connected before anyone can close them: closing a queue still connecting rejects unhandled.
  await Promise.all([sync.waitUntilReady(), pull.waitUntilReady(), ingest.waitUntilReady(), events.sync.waitUntilReady(), events.pull.waitUntilReady(), events.ingest.waitUntilReady()]);
  return {
    sync, pull, ingest, events, connection, settings,
    async close() {
      await Promise.all([sync.close(), pull.close(), ingest.close(), events.sync.close(), events.pull.close(), events.ingest.close()]);
      await connection.quit().catch(() => undefined);
    },
    async obliterate() {
      for (const queue of [sync, pull, ingest]) await queue.obliterate({ force: true });
      // QueueEvents and meta keys can outlive obliterate; sweep the prefix.
      let cursor = '0';
      do {
        const [next, keys] = await connection.scan(cursor, 'MATCH', `${settings.prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await connection.del(...keys);
      } while (cursor !== '0');
    },
  };
}

/** Non-retryable werkbrug errors end a job at once (BullMQ's UnrecoverableError), keeping the code. */
export function asJobError(error: unknown): Error {
  if (isWerkbrugError(error) && !error.retryable) return new UnrecoverableError(error.message);
  return error instanceof Error ? error : new Error(String(error));
}

/** Warns when Redis may evict keys: BullMQ loses jobs under any policy but noeviction. */
export async function evictionPolicy(connection: Redis): Promise<string | undefined> {
  try {
    const reply = (await connection.config('GET', 'maxmemory-policy')) as unknown;
    return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
  } catch {
    return undefined; // managed Redis services may forbid CONFIG
  }
}

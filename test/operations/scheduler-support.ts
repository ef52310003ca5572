import type { Job } from 'bullmq';
import { pino } from 'pino';
import { openQueues, type QueueSet } from '../../jobs/queues.js';
import { syncJobSchema, type SyncJobData } from '../../jobs/sync.js';
import { schedulerSettingsSchema } from '../../src/config/operations-schema.js';
import type { Logger } from '../../src/logging/logger.js';
import { startScheduler, type RunningScheduler, type SchedulerOptions } from '../../src/operations/scheduler.js';
import type { RedisEndpoint } from '../../src/support/redis-connection.js';
import { LogSink } from '../support/log-sink.js';
import { openTestStore, type TestStore } from '../support/postgres.js';
import { deleteRedisPrefix, testPrefix, testRedis } from '../support/redis.js';

/**
 * What a scheduler test stands on: real Redis under a prefix of its own, a real (in-memory PGlite)
 * store for the pause state, and schedulers that each open their own connections, as schedulers on
 * two machines would. Opened once per file (the store takes seconds to migrate); `reset()` between
 * tests stops the schedulers and empties Redis, `close()` closes everything and removes the keys.
 */
export interface SchedulerRig {
  readonly redis: RedisEndpoint;
  readonly prefix: string;
  readonly store: TestStore;
  /** The queues a test inspects with (its own connections). */
  readonly queues: QueueSet;
  /** Starts a scheduler with connections of its own; its log lines land in the returned sink. */
  start(options: Partial<SchedulerOptions> & Pick<SchedulerOptions, 'schedules'>, extra?: { now?: () => Date; id?: string }): Promise<{ scheduler: RunningScheduler; logs: LogSink }>;
  /** Every sync job of the queue with its data, whatever its state. */
  syncJobs(): Promise<Array<{ job: Job; data: SyncJobData }>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export const defaultSettings = schedulerSettingsSchema.parse({});

export function sinkLogger(): { logger: Logger; logs: LogSink } {
  const logs = new LogSink();
  return { logger: pino({ level: 'debug' }, logs), logs };
}

export async function openSchedulerRig(name: string): Promise<SchedulerRig> {
  const redis = await testRedis();
  const prefix = testPrefix(name);
  const store = await openTestStore({ name: 'pglite' });
  const settings = { redisUrl: redis.url, prefix, attempts: 1, backoffMs: 10 };
  const queues = await openQueues(settings);
  const opened: Array<{ scheduler: RunningScheduler; queues: QueueSet }> = [];
  const reset = async (): Promise<void> => {
    for (const { scheduler, queues: own } of opened.splice(0)) {
      await scheduler.close();
      await own.close();
    }
    await queues.obliterate();
  };
  return {
    redis, prefix, store, queues,
    async start(options, extra = {}) {
      const own = await openQueues(settings);
      // Closed right after opening (a scheduler that refuses its schedules), a queue still
      // connecting rejects with "Connection is closed" that nobody awaits: let them connect first.
      await Promise.all([own.sync.waitUntilReady(), own.pull.waitUntilReady(), own.ingest.waitUntilReady(), own.connection.ping()]);
      const { logger, logs } = sinkLogger();
      try {
        const scheduler = await startScheduler(
          { queues: own, prefix, operations: store.store.operations, logger, ...extra },
          { settings: defaultSettings, ...options },
        );
        opened.push({ scheduler, queues: own });
        return { scheduler, logs };
      } catch (error) {
        await own.close();
        throw error;
      }
    },
    async syncJobs() {
      const jobs = await queues.sync.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized', 'paused']);
      return jobs.map((job) => ({ job, data: syncJobSchema.parse(job.data) }));
    },
    reset,
    async close() {
      await reset();
      await queues.close();
      await deleteRedisPrefix(redis.url, prefix);
      await store.close();
      await redis.close();
    },
  };
}

/** Log lines of a sink with the given message. */
export function linesWith(logs: LogSink, msg: string): Array<Record<string, unknown>> {
  return logs.parsed().filter((line) => line.msg === msg);
}

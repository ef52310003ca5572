import type { DestinationStream } from 'pino';
import { openQueues, type QueueSet } from '../../jobs/queues.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { connectRedis, defaultRedisUrl, type RedisEndpoint } from '../support/redis-connection.js';

/**
 * What the operations commands (`status`, `runs`, `pause`, `quarantine`, …) open: the config, the
 * store and — when asked — the queues, without the pseudonymisation key (they never pseudonymise).
 * Redis comes from REDIS_URL and the key prefix from WERKBRUG_REDIS_PREFIX (default `werkbrug`),
 * as for `werkbrug worker` and `werkbrug scheduler`.
 */
export interface OperationsContext {
  readonly configFile: string;
  readonly config: Config;
  readonly store: Store;
  readonly logger: Logger;
  /** Undefined when not asked for, or when Redis was optional and could not be reached. */
  readonly queues: QueueSet | undefined;
  /** Why `queues` is undefined although it was asked for (Redis unreachable), for status output. */
  readonly queuesProblem: string | undefined;
  close(): Promise<void>;
}

export interface OperationsContextOptions {
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** `required`: fail when Redis cannot be reached; `optional`: go on without queues; `none`. */
  readonly queues: 'required' | 'optional' | 'none';
  readonly logDestination?: DestinationStream;
  readonly logLevel?: string;
  /** Tests: a store schema of their own. */
  readonly schema?: string;
}

export function redisPrefix(env: NodeJS.ProcessEnv): string {
  return env.WERKBRUG_REDIS_PREFIX ?? 'werkbrug';
}

export async function openOperationsContext(options: OperationsContextOptions): Promise<OperationsContext> {
  const config = loadConfig(options.configFile);
  const logger = createLogger({ level: options.logLevel ?? 'warn', destination: options.logDestination });
  const store = await openStore({ databaseUrl: options.env.DATABASE_URL, schema: options.schema ?? config.store.schema, pgliteDir: config.store.embeddedDir });
  let redis: RedisEndpoint | undefined;
  let queues: QueueSet | undefined;
  let queuesProblem: string | undefined;
  try {
    if (options.queues !== 'none') {
      try {
        redis = await connectRedis({ url: options.env.REDIS_URL, startIfUnreachable: false });
        queues = await openQueues({ redisUrl: redis.url, prefix: redisPrefix(options.env), attempts: config.pipeline.attempts, backoffMs: config.pipeline.backoffMs });
      } catch (error) {
        if (options.queues === 'required') throw error;
        queuesProblem = `Redis at ${options.env.REDIS_URL ?? defaultRedisUrl} could not be reached`;
      }
    }
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return {
    configFile: options.configFile, config, store, logger, queues, queuesProblem,
    async close() {
      await queues?.close().catch(() => undefined);
      await redis?.close().catch(() => undefined);
      await store.close();
      logger.flush();
    },
  };
}

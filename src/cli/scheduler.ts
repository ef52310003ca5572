import type { Command } from 'commander';
import { evictionPolicy, openQueues, type QueueSet } from '../../jobs/queues.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { schedulesFromConfig } from '../operations/schedule-slots.js';
import { startScheduler, type PeriodicTask } from '../operations/scheduler.js';
import { runHousekeeping } from '../operations/scheduler-housekeeping.js';
import type { Runtime } from '../pipeline/runtime.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { connectRedis } from '../support/redis-connection.js';
import { bootstrap } from './bootstrap.js';
import { redisPrefix } from './operations-context.js';

/**
 * `werkbrug scheduler [-c config]`: runs the partners' schedules until SIGTERM or SIGINT
 * (`src/operations/scheduler.ts` does the work). Needs Redis (REDIS_URL, prefix
 * WERKBRUG_REDIS_PREFIX) and the store (DATABASE_URL) for the pause state. With
 * `operations.scheduler.housekeeping` it signs checkpoints and purges too, and then needs the full
 * runtime (the pseudonymisation key) like a worker. Bad config exits 2 before anything starts.
 */
export interface SchedulerOpened {
  readonly config: Config;
  readonly store: Store;
  readonly logger: Logger;
  readonly queues: QueueSet;
  readonly env: NodeJS.ProcessEnv;
}

export interface SchedulerCommandOptions {
  readonly config: string;
  /** Periodic tasks to run besides the schedules (the alert checks), built once everything is open. */
  readonly periodic?: (opened: SchedulerOpened) => readonly PeriodicTask[];
  /** What runs alongside the scheduler (the health and metrics endpoint): started after it, closed before it. */
  readonly alongside?: (opened: SchedulerOpened) => Promise<{ close(): Promise<void> }>;
  /** Resolves when the scheduler should stop; default the first SIGTERM or SIGINT. */
  readonly stopSignal?: Promise<unknown>;
}

function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

export async function schedulerCommand(options: SchedulerCommandOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const stopSignal = options.stopSignal ?? firstSignal();
  const loaded = loadConfig(options.config);
  const housekeeping = loaded.operations.scheduler.housekeeping;
  let runtime: Runtime | undefined;
  let closeStore: () => Promise<void>;
  let config: Config = loaded;
  let store: Store;
  let logger: Logger;
  if (housekeeping) {
    const boot = await bootstrap({ configFile: options.config, env });
    ({ runtime } = boot);
    ({ config, store, logger } = boot.runtime);
    closeStore = () => boot.close();
  } else {
    logger = createLogger();
    const opened = await openStore({ databaseUrl: env.DATABASE_URL, schema: config.store.schema, pgliteDir: config.store.embeddedDir });
    store = opened;
    closeStore = async () => {
      await opened.close();
      logger.flush();
    };
  }
  try {
    const redis = await connectRedis({ url: env.REDIS_URL, startIfUnreachable: false });
    try {
      const prefix = redisPrefix(env);
      const queues = await openQueues({ redisUrl: redis.url, prefix, attempts: config.pipeline.attempts, backoffMs: config.pipeline.backoffMs });
      try {
        const policy = await evictionPolicy(queues.connection);
        if (policy && policy !== 'noeviction') logger.warn({ policy }, 'redis eviction policy is not noeviction; queued jobs may be lost');
        const housekeepingRuntime = runtime;
        const scheduler = await startScheduler({ queues, prefix, operations: store.operations, logger }, {
          schedules: schedulesFromConfig(config),
          settings: config.operations.scheduler,
          ...(housekeeping && housekeepingRuntime ? { housekeeping: { ...housekeeping, run: async () => { await runHousekeeping(housekeepingRuntime); } } } : {}),
          periodic: options.periodic?.({ config, store, logger, queues, env }) ?? [],
        });
        try {
          const beside = await options.alongside?.({ config, store, logger, queues, env });
          try {
            const signal = await stopSignal;
            logger.info({ signal: typeof signal === 'string' ? signal : 'stop' }, 'scheduler stopping');
          } finally {
            await beside?.close();
          }
        } finally {
          await scheduler.close();
        }
        return 0;
      } finally {
        await queues.close();
      }
    } finally {
      await redis.close();
    }
  } finally {
    await closeStore();
  }
}

/**
 * Registers `werkbrug scheduler`. `plugins.periodic` adds tasks such as the alert checks
 * (`{ name: 'alerts', everyMs: config.operations.alerts.checkEverySeconds * 1000, run }`),
 * `plugins.alongside` the health and metrics endpoint.
 */
export function registerSchedulerCommand(program: Command, defaultConfigFile: string, fail: (error: unknown) => never, plugins: Pick<SchedulerCommandOptions, 'periodic' | 'alongside'> = {}): void {
  program.command('scheduler')
    .description('Run the partners\' schedules (partners[].schedules): one sync per slot however many schedulers run, missed slots reported and caught up; stops on SIGTERM/SIGINT.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .action(async (options: { config: string }) => {
      process.exitCode = await schedulerCommand({ config: options.config, ...plugins }, process.env).catch(fail);
    });
}

import { evictionPolicy, openQueues, type QueueSet } from '../../jobs/queues.js';
import type { Runtime } from '../pipeline/runtime.js';
import { startWorkers, type WorkerSet } from '../pipeline/workers.js';
import { connectRedis } from '../support/redis-connection.js';
import { bootstrap } from './bootstrap.js';
import { redisPrefix } from './operations-context.js';

/**
 * A full runtime (config, key, store) with the queues and, unless asked not to, workers in this
 * process: what `sync`, `retry`, `replay`, `backfill`, `quarantine release` and `worker` open.
 * Redis must be reachable (REDIS_URL); the key prefix is WERKBRUG_REDIS_PREFIX (default `werkbrug`).
 */
export interface RuntimeSession {
  readonly runtime: Runtime;
  readonly queues: QueueSet;
  readonly workers: WorkerSet | undefined;
  close(): Promise<void>;
}

export async function openRuntimeSession(options: { configFile: string; env: NodeJS.ProcessEnv; localWorkers: boolean; syncConcurrency?: number }): Promise<RuntimeSession> {
  const boot = await bootstrap({ configFile: options.configFile, env: options.env, requirePartnerTokens: options.localWorkers });
  const { runtime } = boot;
  const closers: Array<() => Promise<void>> = [() => boot.close()];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const redis = await connectRedis({ url: options.env.REDIS_URL, startIfUnreachable: false });
    closers.push(() => redis.close());
    const queues = await openQueues({ redisUrl: redis.url, prefix: redisPrefix(options.env), attempts: runtime.config.pipeline.attempts, backoffMs: runtime.config.pipeline.backoffMs });
    closers.push(() => queues.close());
    const policy = await evictionPolicy(queues.connection);
    if (policy && policy !== 'noeviction') runtime.logger.warn({ policy }, 'redis eviction policy is not noeviction; queued jobs may be lost');
    const workers = options.localWorkers ? await startWorkers(runtime, queues, { syncConcurrency: options.syncConcurrency ?? Math.max(4, runtime.config.operations.backfill.parallel) }) : undefined;
    if (workers) closers.push(() => workers.close());
    return { runtime, queues, workers, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Ctrl-C (SIGINT) or SIGTERM while a command's local workers hold jobs: they stop at their next
 * safe point and go back to the queue (as in `werkbrug worker`), then the command exits 130. The
 * runs go on with the next worker that takes them. Returns the function that removes the handlers.
 */
export function handBackOnSignal(session: RuntimeSession, err: NodeJS.WritableStream = process.stderr): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    err.write(`werkbrug: ${signal}: the jobs in hand go back to the queue; the runs go on with the next worker (werkbrug status)\n`);
    void session.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

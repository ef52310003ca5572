import { evictionPolicy, openQueues } from '../../jobs/queues.js';
import { runBalance } from '../pipeline/run-balance.js';
import { runSync } from '../pipeline/run-sync.js';
import { startWorkers } from '../pipeline/workers.js';
import { connectRedis } from '../support/redis-connection.js';
import { bootstrap } from './bootstrap.js';

/**
 * `werkbrug sync [partners...]`: one sync run per partner against the configured partner systems,
 * with workers in this process. Needs the key and tokens from the environment and a reachable
 * Redis (REDIS_URL). Exit 1 when any run failed.
 */
export async function syncCommand(configFile: string, partners: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const boot = await bootstrap({ configFile, env, requirePartnerTokens: true });
  const { runtime } = boot;
  const redis = await connectRedis({ url: env.REDIS_URL, startIfUnreachable: false });
  const prefix = env.WERKBRUG_REDIS_PREFIX ?? 'werkbrug';
  const queues = await openQueues({ redisUrl: redis.url, prefix, attempts: runtime.config.pipeline.attempts, backoffMs: runtime.config.pipeline.backoffMs });
  try {
    const policy = await evictionPolicy(queues.connection);
    if (policy && policy !== 'noeviction') runtime.logger.warn({ policy }, 'redis eviction policy is not noeviction; queued jobs may be lost');
    const workers = await startWorkers(runtime, queues);
    try {
      const ids = partners.length > 0 ? [...partners] : runtime.config.partners.filter((p) => !p.paused).map((p) => p.id);
      const runs = await runSync(runtime, queues, ids, 'manual');
      for (const run of runs) {
        const t = runBalance(run.streams).totals;
        process.stdout.write(`${run.partnerId} ${run.runId} ${run.status}: read ${t.read}, stored ${t.stored}, unchanged ${t.unchanged}, quarantined ${t.quarantined}, refused ${t.refused}, pending ${t.pending}${run.errorMessage ? ` — ${run.errorMessage}` : ''}\n`);
      }
      return runs.every((r) => r.status === 'succeeded') ? 0 : 1;
    } finally {
      await workers.close();
    }
  } finally {
    await queues.close();
    await redis.close();
    await boot.close();
  }
}

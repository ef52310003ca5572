import { Worker } from 'bullmq';
import { ingestProcessor } from '../../jobs/ingest.js';
import { pullProcessor } from '../../jobs/pull.js';
import { redisOptions, type QueueSet } from '../../jobs/queues.js';
import { syncProcessor } from '../../jobs/sync.js';
import type { Runtime } from './runtime.js';

/**
 * Workers for the three queues in this process. Any number of processes on any number of machines
 * may run them against one Redis and one PostgreSQL; BullMQ hands each job to one of them.
 */
export interface WorkerSet {
  close(): Promise<void>;
}

export async function startWorkers(runtime: Runtime, queues: QueueSet): Promise<WorkerSet> {
  const { redisUrl, prefix } = queues.settings;
  const common = { prefix, autorun: true };
  const pipeline = runtime.config.pipeline;
  const workers = [
    new Worker(queues.sync.name, syncProcessor(runtime, queues.pull, queues.events.pull), { ...common, connection: redisOptions(redisUrl), concurrency: 4 }),
    new Worker(queues.pull.name, pullProcessor(runtime, queues.ingest, queues.events.ingest), { ...common, connection: redisOptions(redisUrl), concurrency: pipeline.pullConcurrency }),
    new Worker(queues.ingest.name, ingestProcessor(runtime), { ...common, connection: redisOptions(redisUrl), concurrency: pipeline.ingestConcurrency }),
  ];
  for (const worker of workers) {
    worker.on('error', (error) => runtime.logger.error({ queue: worker.name, error: error.name }, 'worker error'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

import { Worker, type Job, type Processor } from 'bullmq';
import { ingestProcessor } from '../../jobs/ingest.js';
import { pullProcessor } from '../../jobs/pull.js';
import { redisOptions, type QueueSet } from '../../jobs/queues.js';
import { syncProcessor } from '../../jobs/sync.js';
import { HandBack, handBack, type JobControl } from './job-control.js';
import type { Runtime } from './runtime.js';

/**
 * Workers for the three queues in this process. Any number of processes on any number of machines
 * may run them against one Redis and one PostgreSQL; BullMQ hands each job to one of them.
 *
 * Shutdown (`close`, on SIGTERM in `werkbrug worker`): the sync and pull workers take no new jobs,
 * and the jobs in hand stop at their next safe point — a pull between pages, after the page before
 * is stored; a sync run while it waits for its pulls — and go back to the queue, where any worker
 * resumes them from the store's cursors. The ingest worker closes last, after finishing the pages
 * in hand, so a handed-back pull never leaves a page half-stored. Nothing is lost or counted twice.
 */
export interface WorkerSet {
  /** Resolves once every job in hand has finished or been handed back. */
  close(): Promise<void>;
  /** True while the three workers run (for /readyz). */
  running(): boolean;
}

export interface WorkerOptions {
  /** Sync runs this process orchestrates at once (they mostly wait for their pulls). Default 4. */
  readonly syncConcurrency?: number;
}

/** Turns a processor's HandBack into BullMQ's delayed state (not a failed attempt). */
function handingBack<T>(processor: (job: Job<unknown>) => Promise<T>): Processor<unknown, T> {
  return async (job, token) => {
    try {
      return await processor(job);
    } catch (error) {
      if (error instanceof HandBack) return handBack(job, token, error.delayMs);
      throw error;
    }
  };
}

export async function startWorkers(runtime: Runtime, queues: QueueSet, options: WorkerOptions = {}): Promise<WorkerSet> {
  const { redisUrl, prefix } = queues.settings;
  const common = { prefix, autorun: true };
  const pipeline = runtime.config.pipeline;
  const stopping = new AbortController();
  const control: JobControl = { signal: stopping.signal };
  const sync = new Worker(queues.sync.name, handingBack(syncProcessor(runtime, queues.pull, queues.events.pull, control)), { ...common, connection: redisOptions(redisUrl), concurrency: options.syncConcurrency ?? 4 });
  const pull = new Worker(queues.pull.name, handingBack(pullProcessor(runtime, queues.ingest, queues.events.ingest, control)), { ...common, connection: redisOptions(redisUrl), concurrency: pipeline.pullConcurrency });
  const ingest = new Worker(queues.ingest.name, ingestProcessor(runtime), { ...common, connection: redisOptions(redisUrl), concurrency: pipeline.ingestConcurrency });
  const workers = [sync, pull, ingest];
  for (const worker of workers) {
    worker.on('error', (error) => runtime.logger.error({ queue: worker.name, error: error.name }, 'worker error'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        stopping.abort();
        await Promise.all([sync.close(), pull.close()]);
        await ingest.close();
      })();
      return closing;
    },
    running: () => closing === undefined && workers.every((w) => w.isRunning()),
  };
}

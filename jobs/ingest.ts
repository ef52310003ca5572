import type { Job } from 'bullmq';
import { ingestBatch, ingestBatchSchema, type IngestBatch, type IngestResult } from '../src/pipeline/ingest-batch.js';
import type { Runtime } from '../src/pipeline/runtime.js';
import { WerkbrugError, isWerkbrugError } from '../src/errors/werkbrug-error.js';
import { errorFields } from '../src/logging/logger.js';
import { recordIngest } from '../src/operations/metrics.js';
import { asJobError, queueNames } from './queues.js';

/**
 * Queue `ingest`: one job per page. Why a page and not a record: one transaction per page keeps
 * the store at tens of thousands of rows a second and the cursor moving with the data it covers;
 * a job per record would cost ~30× in BullMQ alone (PERFORMANCE.md). The job payload is already
 * pseudonymised and minimised by the edge.
 */
export const ingestQueue = queueNames.ingest;
export type IngestJobData = IngestBatch;
export { ingestBatchSchema as ingestJobSchema };

export function ingestProcessor(runtime: Runtime) {
  return async (job: Job<unknown>): Promise<IngestResult> => {
    const parsed = ingestBatchSchema.safeParse(job.data);
    if (!parsed.success) {
      throw asJobError(new WerkbrugError('WB_STORE_WRITE_FAILED', { field: parsed.error.issues[0]?.path.join('.') ?? '(job)', expected: 'an ingest batch as jobs/ingest.ts defines it', detail: 'not retryable: the job data is malformed' }));
    }
    const batch = parsed.data;
    const log = runtime.logger.child({ queue: ingestQueue, jobId: job.id, run: batch.runId, partner: batch.partnerId, stream: batch.stream });
    try {
      const result = await ingestBatch(runtime.store, batch, {
        purposes: runtime.config.purposes,
        maxWaitDays: runtime.config.consent.maxWaitDays,
        now: runtime.now(),
      });
      log.debug({ ...result.counts, logEntries: result.logEntries }, 'page stored');
      recordIngest(batch.partnerId, batch.stream, result.counts);
      return result;
    } catch (error) {
      log.warn({ ...errorFields(error), attempt: job.attemptsMade + 1 }, 'page not stored');
      if (isWerkbrugError(error)) throw asJobError(error);
      // A database fault (connection, serialisation, deadlock): retried with back-off.
      throw new WerkbrugError('WB_STORE_WRITE_FAILED', { partner: batch.partnerId, detail: error instanceof Error ? error.name : 'unknown' });
    }
  };
}

import type { Job, Queue, QueueEvents } from 'bullmq';
import { z } from 'zod';
import { errorCodes, type ErrorCode } from '../src/errors/catalog.js';
import { WerkbrugError, isWerkbrugError } from '../src/errors/werkbrug-error.js';
import { bindPartner, type Runtime } from '../src/pipeline/runtime.js';
import { runBalance } from '../src/pipeline/run-balance.js';
import { sweepOverduePending } from '../src/pipeline/sweep-pending.js';
import { purgeAfterSync } from '../src/privacy/retention-purge.js';
import { errorFields } from '../src/logging/logger.js';
import { HandBack, noJobControl, type JobControl } from '../src/pipeline/job-control.js';
import { planStream, type StreamPlan } from '../src/pipeline/run-scope.js';
import type { StreamDescription } from '../src/connector/connector.js';
import type { PartnerBinding } from '../src/pipeline/runtime.js';
import type { RunScope } from '../src/store/operations-records.js';
import { alertsAfterRun } from '../src/operations/alerts/index.js';
import { recordRun } from '../src/operations/metrics.js';
import type { Logger } from '../src/logging/logger.js';
import { queueNames } from './queues.js';
import type { PullJobData } from './pull.js';

/**
 * Queue `sync`: one job per partner per run. Consent streams are pulled first, so the records of
 * the other streams are decided against this run's consent state; if a consent stream fails, the
 * other streams still run but every decision waits (pending), never permits (brief, invariant 2).
 * Finally the run's balance must close: read = stored + unchanged + stale + deleted + quarantined
 * + refused + pending + absorbed, per stream.
 */
export const syncQueue = queueNames.sync;
const cursorSchema = z.record(z.string(), z.unknown());
/** A replay, a back-fill window or a quarantine release (`src/store/operations-records.ts`, RunScope). */
export const runScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('replay'), key: z.string().min(1).max(60), of: z.string().min(1).max(80) }),
  z.strictObject({ kind: z.literal('window'), key: z.string().min(1).max(60), backfillId: z.string().min(1).max(60), from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), index: z.number().int().min(0), count: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal('release'), key: z.string().min(1).max(60), from: z.record(z.string(), cursorSchema.nullable()) }),
]);
export const syncJobSchema = z.strictObject({
  runId: z.string().min(1).max(80),
  partnerId: z.string().min(1).max(40),
  /**
   * Set when the run was not recorded before it was queued (the scheduler, which needs no store):
   * the sync job then records it (createRun is idempotent) with the fields below.
   */
  trigger: z.enum(['manual', 'schedule', 'retry', 'replay', 'backfill', 'release', 'test']).optional(),
  onlyStreams: z.array(z.string().min(1).max(60)).min(1).optional(),
  scope: runScopeSchema.optional(),
  sourceRunId: z.string().min(1).max(80).optional(),
  slot: z.string().min(1).max(160).optional(),
});
export type SyncJobData = z.infer<typeof syncJobSchema>;

export interface SyncResult {
  readonly status: 'succeeded' | 'failed';
  readonly failedStreams: readonly string[];
}

/**
 * The catalogue code of a failed pull. A pull job's error reaches this process only as BullMQ's
 * failed reason (a plain Error with the message), and every werkbrug message starts with its code
 * (`describeError`), so the code is read back from there: a 401 stays `WB_PARTNER_AUTH`.
 */
export function failureCode(error: unknown): ErrorCode {
  if (isWerkbrugError(error)) return error.code;
  const head = error instanceof Error ? /^(WB_[A-Z_]+)(?:\s|$)/.exec(error.message)?.[1] : undefined;
  return errorCodes.find((code) => code === head) ?? 'WB_PIPELINE_JOB_FAILED';
}

export function syncProcessor(runtime: Runtime, pull: Queue, pullEvents: QueueEvents, control: JobControl = noJobControl) {
  const orchestrate = runOrchestrator(runtime, pull, pullEvents, control);
  return async (job: Job<unknown>): Promise<SyncResult> => {
    const data = syncJobSchema.parse(job.data);
    try {
      // Held (not failed) while paused by `werkbrug pause`; checked before the run is recorded,
      // so a held scheduled run is not shown as running.
      if (await runtime.store.operations.isPartnerPaused(data.partnerId)) {
        runtime.logger.info({ queue: syncQueue, run: data.runId, partner: data.partnerId }, 'partner paused: run held');
        throw new HandBack('paused', runtime.config.operations.holdSeconds * 1000);
      }
      if (data.trigger !== undefined) {
        await runtime.store.createRun({
          runId: data.runId, partnerId: data.partnerId, trigger: data.trigger, startedAt: runtime.now().toISOString(),
          ...(data.onlyStreams ? { onlyStreams: data.onlyStreams } : {}), ...(data.scope ? { scope: data.scope } : {}),
          ...(data.sourceRunId ? { sourceRunId: data.sourceRunId } : {}), ...(data.slot ? { slot: data.slot } : {}),
        });
      }
      // A partner switched off in the config (`paused: true`) is never resumed by `werkbrug
      // resume`: a run queued for it fails at once instead of waiting for ever.
      if (runtime.config.partners.find((p) => p.id === data.partnerId)?.paused === true) {
        throw new WerkbrugError('WB_CONFIG_INVALID', { partner: data.partnerId, field: 'partners[].paused', expected: 'a partner switched on in the config (paused: false) to sync it' });
      }
      return await orchestrate(job, data);
    } catch (error) {
      if (error instanceof HandBack) throw error;
      // Whatever broke the orchestration itself, the run must not stay `running` for ever.
      const code = failureCode(error);
      await runtime.store.finishRun(data.runId, { status: 'failed', finishedAt: runtime.now().toISOString(), errorCode: code, errorMessage: `sync failed: ${error instanceof Error ? error.message : 'unknown error'}`.slice(0, 500) }).catch(() => undefined);
      runtime.logger.error({ queue: syncQueue, run: data.runId, partner: data.partnerId, ...errorFields(error) }, 'sync run failed');
      throw error;
    }
  };
}

/**
 * Waits for a pull job, or hands the sync job back (it re-attaches to the same pull job when it
 * runs again): when this process shuts down, or when its partner is paused meanwhile — then the
 * pull is held too, and a waiting sync job would only tie up a worker slot until resume.
 */
async function finishedOrStopping(runtime: Runtime, partnerId: string, job: Job, events: QueueEvents, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new HandBack('shutdown', 0);
  const holdMs = runtime.config.operations.holdSeconds * 1000;
  let onAbort: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stopping = new Promise<never>((_, reject) => {
    onAbort = () => reject(new HandBack('shutdown', 0));
    signal.addEventListener('abort', onAbort, { once: true });
    timer = setInterval(() => {
      runtime.store.operations.isPartnerPaused(partnerId).then((paused) => { if (paused) reject(new HandBack('paused', holdMs)); }, () => undefined);
    }, Math.min(holdMs, 5000));
  });
  try {
    await Promise.race([job.waitUntilFinished(events), stopping]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    clearInterval(timer);
  }
}

function runOrchestrator(runtime: Runtime, pull: Queue, pullEvents: QueueEvents, control: JobControl) {
  return async (job: Job<unknown>, data: SyncJobData): Promise<SyncResult> => {
    const binding = bindPartner(runtime, data.partnerId);
    const log = runtime.logger.child({ queue: syncQueue, jobId: job.id, run: data.runId, partner: data.partnerId });
    const described = binding.connector.describe(binding.settings).streams;
    const streams = data.onlyStreams ? described.filter((s) => data.onlyStreams?.includes(s.name)) : described;
    const plans = await planStreams(runtime, binding, data.scope, streams);
    const failures: Array<{ stream: string; error: unknown }> = [];

    const pullStream = async (stream: string, consentReadable: boolean): Promise<boolean> => {
      const plan = plans.get(stream);
      if (plan?.pull === false) {
        log.info({ stream, why: plan.why }, 'stream not pulled in this scope');
        return true;
      }
      const payload: PullJobData = { runId: data.runId, partnerId: data.partnerId, stream, consentReadable, ...(plan?.scope ? { scope: { ...plan.scope } } : {}) };
      const pullJob = await pull.add('stream', payload, { jobId: `${data.runId}-${stream}`.replace(/[^A-Za-z0-9_-]/g, '_') });
      try {
        await finishedOrStopping(runtime, data.partnerId, pullJob, pullEvents, control.signal);
        return true;
      } catch (error) {
        if (error instanceof HandBack) throw error;
        failures.push({ stream, error });
        return false;
      }
    };

    // Consent first, then deletions (a Consent DELETE is a withdrawal), then the data streams in
    // parallel: data records are decided on this run's consent state, deletions included.
    let consentReadable = true;
    for (const stream of streams.filter((s) => s.role === 'consent')) {
      if (!(await pullStream(stream.name, true))) consentReadable = false;
    }
    for (const stream of streams.filter((s) => s.role === 'deletions')) {
      if (!(await pullStream(stream.name, consentReadable))) consentReadable = false;
    }
    await Promise.all(streams.filter((s) => s.role === 'data').map((s) => pullStream(s.name, consentReadable)));

    const swept = await sweepOverduePending(runtime, { runId: data.runId, partnerId: data.partnerId, consentReadable });
    if (swept.released + swept.lapsed > 0) log.info(swept, 'overdue pending records decided');
    const run = await runtime.store.getRun(data.runId);
    const balance = runBalance(run?.streams ?? {});
    const first = failures[0];
    let errorCode: string | undefined;
    let errorMessage: string | undefined;
    if (first) {
      // A consent stream that could not be read is named for what it means: every decision of
      // this run waits (pending). A refusal of credentials stays an authorisation problem.
      const code = failureCode(first.error);
      const consentStream = streams.some((s) => s.name === first.stream && s.role === 'consent');
      errorCode = consentStream && code === 'WB_PARTNER_UNREACHABLE' ? 'WB_CONSENT_SOURCE_UNREACHABLE' : code;
      errorMessage = `stream ${first.stream} failed: ${first.error instanceof Error ? first.error.message : 'unknown error'}`.slice(0, 500);
    } else if (!balance.closes) {
      const unbalanced = new WerkbrugError('WB_PIPELINE_UNBALANCED', { partner: data.partnerId, detail: balance.problems.join('; ') });
      errorCode = unbalanced.code;
      errorMessage = unbalanced.message;
    }
    const status = errorCode ? 'failed' : 'succeeded';
    await runtime.store.finishRun(data.runId, { status, finishedAt: runtime.now().toISOString(), ...(errorCode ? { errorCode, errorMessage } : {}) });
    if (status === 'failed') log.error({ code: errorCode, failedStreams: failures.map((f) => f.stream), ...(first ? errorFields(first.error) : {}) }, 'sync run failed');
    else log.info({ streams: streams.length }, 'sync run succeeded');
    // Only after a complete run, and only when every partner's latest run is complete: a
    // person's reference date needs all their rows (retention-purge.ts).
    await afterRun(runtime, data.runId, log);
    if (status === 'succeeded' && data.scope) await runtime.store.operations.deleteScopedCursors(data.partnerId, data.scope.key);
    if (status === 'succeeded') await purgeAfterSync(runtime, data.runId, log);
    return { status, failedStreams: failures.map((f) => f.stream) };
  };
}

/** Per stream: what this run pulls (everything from its cursor, or the scope's range). */
async function planStreams(runtime: Runtime, binding: PartnerBinding, scope: RunScope | undefined, streams: readonly StreamDescription[]): Promise<Map<string, StreamPlan>> {
  const ranges = scope?.kind === 'replay' ? await runtime.store.operations.runCursorRanges(scope.of) : undefined;
  const current = new Map<string, Readonly<Record<string, unknown>> | undefined>();
  if (scope?.kind === 'window' && !binding.connector.windowCursor) {
    for (const stream of streams) current.set(stream.name, await runtime.store.getCursor(binding.partner.id, stream.name));
  }
  const facts = { connector: binding.connector, settings: binding.settings, ...(ranges ? { ranges } : {}), currentCursor: (stream: string) => current.get(stream) };
  return new Map(streams.map((stream) => [stream.name, planStream(stream, scope, facts)]));
}

/**
 * When a run has finished: its metrics, and its alerts (a failed run alerts at once, a success
 * sends the recovery of an alert that was delivered). Never fails the run: an alert that cannot be
 * delivered stays due and goes at the scheduler's next check.
 */
async function afterRun(runtime: Runtime, runId: string, log: Logger): Promise<void> {
  const run = await runtime.store.getRun(runId);
  if (!run) return;
  recordRun(run);
  try {
    await alertsAfterRun({ config: runtime.config, store: runtime.store, logger: runtime.logger, env: runtime.env, now: runtime.now }, run);
  } catch (error) {
    log.error({ ...errorFields(error) }, 'alerts after the run could not be judged');
  }
}

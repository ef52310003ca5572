import { randomBytes } from 'node:crypto';
import type { QueueSet } from '../../jobs/queues.js';
import type { SyncJobData } from '../../jobs/sync.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { bindPartner, type Runtime } from '../pipeline/runtime.js';
import { newRunId } from '../pipeline/run-sync.js';
import type { QuarantineSelection, RunCoverage, RunScope } from '../store/operations-records.js';
import type { RunTrigger, SyncRun } from '../store/store.js';
import { markRunLost, runJobGone } from './lost-runs.js';

/**
 * Operations on runs (issue 6): retry, replay, quarantine release — each a new run of its own, in
 * the history with the run it came from (`sourceRunId`). The run is recorded, then queued; any
 * worker (this process's or the deployment's) runs it. Back-fills are in `backfill.ts`.
 */
type Queues = Pick<QueueSet, 'sync' | 'events'>;

function operationsError(field: string, expected: string, got?: string): WerkbrugError {
  return new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { field, expected, ...(got !== undefined ? { got } : {}) });
}

/** Refuses a partner that is unknown, switched off in the config or paused: its run would fail or wait until resume. */
export async function checkRunnable(runtime: Runtime, partnerId: string): Promise<void> {
  const binding = bindPartner(runtime, partnerId); // an unknown partner fails here, not in a worker
  if (binding.partner.paused) throw operationsError('partner', 'a partner switched on in the config (it has paused: true)', partnerId);
  if (await runtime.store.operations.isPartnerPaused(partnerId)) throw operationsError('partner', 'a partner that is not paused (werkbrug resume first; werkbrug status shows who paused it and why)', partnerId);
}

/** Records a run and queues its sync job; returns the run id at once (see {@link waitForRun}). */
export async function startRun(runtime: Runtime, queues: Queues, partnerId: string, trigger: RunTrigger, coverage: RunCoverage = {}): Promise<string> {
  await checkRunnable(runtime, partnerId);
  const runId = newRunId(partnerId, runtime.now());
  await runtime.store.createRun({ runId, partnerId, trigger, startedAt: runtime.now().toISOString(), ...coverage });
  const data: SyncJobData = {
    runId, partnerId,
    ...(coverage.onlyStreams ? { onlyStreams: [...coverage.onlyStreams] } : {}),
    ...(coverage.scope ? { scope: structuredClone(coverage.scope) as SyncJobData['scope'] } : {}),
  };
  await queues.sync.add('run', data, { jobId: runId, attempts: 1 });
  return runId;
}

/** Waits until the run's sync job has finished (held runs of a paused partner keep it waiting) and returns the run as stored. */
export async function waitForRun(runtime: Runtime, queues: Queues, runId: string): Promise<SyncRun> {
  const job = await queues.sync.getJob(runId);
  if (job) await job.waitUntilFinished(queues.events.sync).catch(() => undefined); // the run's record says why
  const run = await runtime.store.getRun(runId);
  if (!run) throw operationsError('run', 'a run recorded in the store', runId);
  return run;
}

async function finishedRun(runtime: Runtime, queues: Queues, runId: string): Promise<SyncRun> {
  const run = await runtime.store.getRun(runId);
  if (!run) throw operationsError('run', 'a run id as `werkbrug runs` lists it', runId);
  if (run.status === 'running') {
    // A run whose job is gone can never finish by itself: it is marked failed, then re-run.
    if (!(await runJobGone(queues, run))) throw operationsError('run', 'a finished run (this one is still running; see `werkbrug status`)', runId);
    await markRunLost(runtime.store, run, runtime.now());
    return (await runtime.store.getRun(runId)) ?? run;
  }
  return run;
}

const shortKey = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/**
 * A new run of the same partner, streams and scope. A plain run continues from the stored cursors
 * (where the failed run stopped); a scoped run (replay, back-fill window, release) keeps its scope
 * key and so resumes on its own cursors.
 */
export async function retryRun(runtime: Runtime, queues: Queues, runId: string): Promise<string> {
  const run = await finishedRun(runtime, queues, runId);
  return startRun(runtime, queues, run.partnerId, 'retry', {
    sourceRunId: run.runId,
    ...(run.onlyStreams ? { onlyStreams: run.onlyStreams } : {}),
    ...(run.scope ? { scope: run.scope } : {}),
  });
}

/**
 * Pulls again exactly what the run covered: per stream, from the cursor it started at to the
 * cursor after its last stored page, on cursors of its own. Idempotent: a replay of unchanged data
 * stores nothing (every record is `unchanged`). A per-person source (UWV) has no range: its replay
 * asks the current worklist again.
 */
export async function replayRun(runtime: Runtime, queues: Queues, runId: string): Promise<string> {
  const run = await finishedRun(runtime, queues, runId);
  const scope: RunScope = { kind: 'replay', key: shortKey('rp'), of: run.runId };
  const ranges = await runtime.store.operations.runCursorRanges(run.runId);
  const streams = Object.keys(ranges);
  const binding = bindPartner(runtime, run.partnerId);
  if (streams.length === 0 && !binding.connector.asksPerPerson) {
    throw operationsError('run', 'a run whose cursor range was recorded (runs from before werkbrug recorded ranges cannot be replayed; use `werkbrug backfill`)', runId);
  }
  return startRun(runtime, queues, run.partnerId, 'replay', {
    sourceRunId: run.runId, scope,
    ...(run.onlyStreams ? { onlyStreams: run.onlyStreams } : {}),
  });
}

export interface ReleaseResult {
  readonly released: number;
  /** Undefined when nothing was selected (no run started). */
  readonly runId?: string;
}

/**
 * Releases quarantined records (after a connector fix) and re-pulls them: per stream, from the
 * cursor the earliest run that quarantined one of them started at, up to now, on cursors of its
 * own. A record that now passes is stored and its quarantine item stays released; one that fails
 * again is quarantined again (its `released_at` cleared).
 */
export async function releaseQuarantine(runtime: Runtime, queues: Queues, selection: QuarantineSelection): Promise<ReleaseResult> {
  await checkRunnable(runtime, selection.partnerId);
  const runId = newRunId(selection.partnerId, runtime.now());
  const released = await runtime.store.operations.releaseQuarantine(selection, runId);
  if (released.released === 0) return { released: 0 };
  try {
    const from: Record<string, Record<string, unknown> | null> = {};
    for (const [stream, firstRun] of Object.entries(released.firstRuns)) {
      from[stream] = (await runtime.store.operations.runCursorRanges(firstRun))[stream]?.from ?? null;
    }
    const scope: RunScope = { kind: 'release', key: shortKey('rl'), from };
    await runtime.store.createRun({ runId, partnerId: selection.partnerId, trigger: 'release', startedAt: runtime.now().toISOString(), scope, onlyStreams: Object.keys(from) });
    const data: SyncJobData = { runId, partnerId: selection.partnerId, onlyStreams: Object.keys(from), scope: structuredClone(scope) as SyncJobData['scope'] };
    await queues.sync.add('run', data, { jobId: runId, attempts: 1 });
  } catch (error) {
    // The re-pull could not be started: the items go back to open, as they were.
    await runtime.store.operations.unreleaseQuarantine(runId).catch(() => undefined);
    await runtime.store.finishRun(runId, { status: 'failed', finishedAt: runtime.now().toISOString(), errorCode: 'WB_PIPELINE_JOB_FAILED', errorMessage: 'the release run could not be queued' }).catch(() => undefined);
    throw error;
  }
  return { released: released.released, runId };
}

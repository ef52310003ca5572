import { randomBytes } from 'node:crypto';
import type { QueueSet } from '../../jobs/queues.js';
import type { SyncJobData, SyncResult } from '../../jobs/sync.js';
import type { NewSyncRun, SyncRun } from '../store/store.js';
import type { Logger } from 'pino';
import { writeCheckpoint, type WriteCheckpointResult } from '../consent/checkpoint-writer.js';
import { errorFields } from '../logging/logger.js';
import { bindPartner, type Runtime } from './runtime.js';

/** `r20261125T101500Z-ggz-altrecht-9f3a`: sortable, readable, no ':' (it becomes part of job ids). */
export function newRunId(partnerId: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `r${stamp}-${partnerId}-${randomBytes(2).toString('hex')}`;
}

/**
 * The order partners of one sync are run in, in phases: partners with a consent stream first (so
 * the others' records are decided on this run's consent instead of waiting), then the other
 * sources, then the per-person sources (UWV), whose worklist needs the persons, consents and
 * trajectories the others just stored (`partners/uwv-suwinet.md` §1). Partners of one phase run
 * in parallel.
 */
export function syncPhases(runtime: Runtime, partnerIds: readonly string[]): string[][] {
  const phase = (partnerId: string): number => {
    const binding = bindPartner(runtime, partnerId);
    if (binding.connector.asksPerPerson) return 2;
    return binding.connector.describe(binding.settings).streams.some((s) => s.role === 'consent') ? 0 : 1;
  };
  const phases: string[][] = [[], [], []];
  for (const partnerId of partnerIds) phases[phase(partnerId)]?.push(partnerId);
  return phases.filter((ids) => ids.length > 0);
}

/**
 * Starts one sync run per partner (records the run in the store, then queues its `sync` job),
 * phase by phase ({@link syncPhases}), and waits until every run has finished. Returns the runs as
 * the store recorded them, in the order of `partnerIds`.
 */
export async function runSync(runtime: Runtime, queues: QueueSet, partnerIds: readonly string[], trigger: NewSyncRun['trigger']): Promise<SyncRun[]> {
  const runIds = new Map<string, string>();
  for (const phase of syncPhases(runtime, partnerIds)) {
    const started = await Promise.all(phase.map(async (partnerId) => {
      const runId = newRunId(partnerId, runtime.now());
      runIds.set(partnerId, runId);
      await runtime.store.createRun({ runId, partnerId, trigger, startedAt: runtime.now().toISOString() });
      const data: SyncJobData = { runId, partnerId };
      return queues.sync.add('run', data, { jobId: runId, attempts: 1 });
    }));
    await Promise.all(started.map(async (job) => {
      try {
        (await job.waitUntilFinished(queues.events.sync)) as SyncResult;
      } catch {
        // The run's own record says why; a sync job only throws on a werkbrug bug.
      }
    }));
  }
  // The demo writes its own checkpoint, to say where its demo key is (run-demo.ts).
  if (trigger !== 'demo') await checkpointAfterSync(runtime, false);
  const runs = await Promise.all(partnerIds.map((partnerId) => runtime.store.getRun(runIds.get(partnerId) ?? '')));
  return runs.filter((run): run is SyncRun => run !== undefined);
}

/**
 * After a sync: a signed checkpoint of the consent log (issue 5), written outside the store and
 * handed to the partners' privacy officers. The demo signs with its own demo key; a sync without
 * a signing key in the environment says so at warn level and stores its data all the same (a
 * checkpoint can be written later with `werkbrug consent checkpoint`). A checkpoint that cannot
 * be written never undoes a stored sync: it is logged as an error for operations.
 */
export async function checkpointAfterSync(runtime: Runtime, demo: boolean, logger: Logger = runtime.logger): Promise<WriteCheckpointResult | undefined> {
  const keyEnv = runtime.config.privacy.checkpoints.keyEnv;
  if (!demo && !runtime.env[keyEnv]) {
    logger.warn({ variable: keyEnv }, 'no checkpoint signing key in the environment: no signed checkpoint of the consent log was written');
    return undefined;
  }
  try {
    const result = await writeCheckpoint({ store: runtime.store, config: runtime.config, env: runtime.env, now: runtime.now(), logger, demo });
    if (result.written) logger.info({ treeSize: result.checkpoint.treeSize, file: result.file }, 'consent log checkpoint written');
    return result;
  } catch (error) {
    logger.error({ ...errorFields(error) }, 'consent log checkpoint could not be written');
    return undefined;
  }
}

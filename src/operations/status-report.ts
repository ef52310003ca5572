import { CronExpressionParser } from 'cron-parser';
import type { QueueSet } from '../../jobs/queues.js';
import type { Config, PartnerConfig } from '../config/schema.js';
import { connectorById } from '../connector/registry.js';
import type { PartnerControl, PartnerRunSummary, StreamRunSummary } from '../store/operations-records.js';
import type { Store, SyncRun } from '../store/store.js';
import { heldSyncJobs } from './held-work.js';
import { statusReportSchema, statusSchemaId, type JobCounts, type PartnerStatus, type RunHead, type StatusReport } from './status-schema.js';

/**
 * What `werkbrug status` knows, read from the store and (when it answers) Redis. Redis unreachable
 * is not a failure here: the report says the queue depths and held runs are unknown. A partner
 * needs attention when it is active (neither paused nor switched off in the config) and its
 * latest run failed or it had no successful sync for longer than its staleness; a paused partner
 * is held on purpose and is not judged.
 */
export interface StatusInput {
  readonly config: Config;
  readonly configFile: string;
  readonly store: Store;
  readonly queues: QueueSet | undefined;
  readonly queuesProblem: string | undefined;
  readonly now: Date;
}

const hourMs = 3_600_000;

export function runHead(run: SyncRun): RunHead {
  return {
    runId: run.runId, trigger: run.trigger, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt,
    durationSeconds: run.finishedAt === null ? null : Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 100) / 10,
    errorCode: run.errorCode, errorMessage: run.errorMessage,
  };
}

/** The next slot of a schedule after `now`; null when the expression has none. */
export function nextSlot(cron: string, timezone: string, now: Date): string | null {
  try {
    return CronExpressionParser.parse(cron, { tz: timezone, currentDate: now }).next().toDate().toISOString();
  } catch {
    return null;
  }
}

async function queueDepths(queues: QueueSet): Promise<Record<'sync' | 'pull' | 'ingest', JobCounts>> {
  const counts = async (name: 'sync' | 'pull' | 'ingest'): Promise<JobCounts> => {
    const c = await queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
  };
  return { sync: await counts('sync'), pull: await counts('pull'), ingest: await counts('ingest') };
}

function streamsOf(partner: PartnerConfig): { name: string; role: 'consent' | 'data' | 'deletions' }[] {
  const connector = connectorById(partner.connector);
  return connector === undefined ? [] : connector.describe(partner.settings).streams.map((s) => ({ name: s.name, role: s.role }));
}

interface PartnerFacts {
  readonly summary: PartnerRunSummary | undefined;
  readonly control: PartnerControl | undefined;
  readonly streams: readonly StreamRunSummary[];
  readonly runs: ReadonlyMap<string, SyncRun>;
  readonly held: number | null;
}

function partnerStatus(input: StatusInput, partner: PartnerConfig, facts: PartnerFacts): PartnerStatus {
  const { now, config } = input;
  const latest = facts.summary?.latestRunId ? facts.runs.get(facts.summary.latestRunId) : undefined;
  const staleAfterHours = partner.staleAfterHours ?? config.operations.alerts.staleAfterHours;
  const lastSuccessAt = facts.summary?.lastSuccessAt ?? null;
  const ageHours = lastSuccessAt === null ? null : (now.getTime() - Date.parse(lastSuccessAt)) / hourMs;
  const paused = facts.control?.paused === true;
  const roles = new Map(streamsOf(partner).map((s) => [s.name, s.role]));
  return {
    partnerId: partner.id,
    connector: partner.connector,
    state: partner.paused ? 'switched-off' : paused ? 'paused' : 'active',
    pause: paused && facts.control ? { by: facts.control.changedBy, at: facts.control.changedAt, reason: facts.control.reason } : null,
    lastRun: latest ? runHead(latest) : null,
    lastSuccess: lastSuccessAt !== null && ageHours !== null && facts.summary?.lastSuccessRunId
      ? { runId: facts.summary.lastSuccessRunId, at: lastSuccessAt, ageHours: Math.round(ageHours * 10) / 10 } : null,
    staleAfterHours,
    stale: ageHours === null || ageHours > staleAfterHours,
    openQuarantine: facts.summary?.openQuarantine ?? 0,
    pending: facts.summary?.pending ?? 0,
    heldRuns: facts.held,
    streams: facts.streams.map((s) => {
      const run = s.latestRunId ? facts.runs.get(s.latestRunId) : undefined;
      return {
        stream: s.stream,
        role: roles.get(s.stream) ?? 'data',
        lastRun: run ? { runId: run.runId, status: run.status, startedAt: run.startedAt } : null,
        counts: run?.streams[s.stream] ?? null,
        lastSuccess: s.lastSuccessRunId && s.lastSuccessAt ? { runId: s.lastSuccessRunId, at: s.lastSuccessAt } : null,
      };
    }),
    schedules: partner.schedules.map((schedule, index) => ({
      index, cron: schedule.cron, timezone: schedule.timezone, streams: schedule.streams ? [...schedule.streams] : null,
      nextAt: nextSlot(schedule.cron, schedule.timezone, now),
    })),
  };
}

function attentionOf(partner: PartnerStatus): StatusReport['attention'] {
  if (partner.state !== 'active') return [];
  const found: StatusReport['attention'] = [];
  if (partner.lastRun?.status === 'failed') {
    found.push({ partnerId: partner.partnerId, kind: 'failed-run', message: `last run ${partner.lastRun.runId} failed${partner.lastRun.errorCode ? ` (${partner.lastRun.errorCode})` : ''}` });
  }
  if (partner.stale) {
    found.push({
      partnerId: partner.partnerId, kind: 'stale',
      message: partner.lastSuccess === null ? 'no successful sync yet' : `no successful sync for ${Math.floor(partner.lastSuccess.ageHours)} h (stale after ${partner.staleAfterHours} h)`,
    });
  }
  return found;
}

/** Reads everything `werkbrug status` shows. Throws only when the store cannot be read. */
export async function buildStatusReport(input: StatusInput): Promise<StatusReport> {
  const { config, store, queues } = input;
  const ids = config.partners.map((p) => p.id);
  const summaries = new Map((await store.operations.partnerRunSummaries(ids)).map((s) => [s.partnerId, s]));
  const controls = new Map((await store.operations.partnerControls()).map((c) => [c.partnerId, c]));
  const streamSummaries = await store.operations.streamRunSummaries(config.partners.flatMap((p) => streamsOf(p).map((s) => ({ partnerId: p.id, stream: s.name }))));
  const runIds = new Set([...summaries.values()].map((s) => s.latestRunId).concat(streamSummaries.map((s) => s.latestRunId)).filter((id): id is string => id !== null));
  const runs = new Map<string, SyncRun>();
  for (const id of runIds) {
    const run = await store.getRun(id);
    if (run) runs.set(id, run);
  }
  let depths: Awaited<ReturnType<typeof queueDepths>> | undefined;
  const held = new Map<string, number>();
  let problem = input.queuesProblem ?? null;
  if (queues) {
    try {
      depths = await queueDepths(queues);
      for (const run of await heldSyncJobs(queues)) held.set(run.data.partnerId, (held.get(run.data.partnerId) ?? 0) + 1);
    } catch (error) {
      depths = undefined;
      problem = `Redis did not answer (${error instanceof Error ? error.message.slice(0, 120) : 'unknown error'})`;
    }
  } else {
    problem ??= 'no queues were opened';
  }
  const partners = config.partners.map((partner) => partnerStatus(input, partner, {
    summary: summaries.get(partner.id), control: controls.get(partner.id),
    streams: streamSummaries.filter((s) => s.partnerId === partner.id), runs,
    held: depths === undefined ? null : held.get(partner.id) ?? 0,
  }));
  const attention = partners.flatMap(attentionOf);
  const alerts = await store.operations.listAlerts({ status: 'firing' });
  return statusReportSchema.parse({
    schema: statusSchemaId,
    generatedAt: input.now.toISOString(),
    configFile: input.configFile,
    ok: attention.length === 0,
    attention,
    partners,
    queues: {
      known: depths !== undefined, problem: depths === undefined ? problem : null,
      sync: depths?.sync ?? null, pull: depths?.pull ?? null, ingest: depths?.ingest ?? null,
    },
    alerts: alerts.map((a) => ({ alertKey: a.alertKey, kind: a.kind, partnerId: a.partnerId, since: a.firstAt, lastAt: a.lastAt, summary: a.summary })),
  });
}

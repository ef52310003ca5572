import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import type { ErrorCode } from '../errors/catalog.js';
import type { RunCounts, Store, SyncRun } from '../store/store.js';
import { alertKinds } from './alerts/alert-body.js';

/**
 * The process's Prometheus metrics (prom-client), served at /metrics by the health server. One
 * registry per process; every werkbrug metric starts with `werkbrug_`, beside prom-client's
 * default process metrics. Labels are partner ids, stream and queue names, outcomes, statuses
 * and error codes — never anything about a person, so the label sets stay small.
 */
export const recordOutcomes = ['stored', 'unchanged', 'stale', 'deleted', 'quarantined', 'refused', 'pending', 'absorbed'] as const satisfies readonly (keyof RunCounts)[];
export const queueStates = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'completed', 'failed'] as const;

/** The queues whose job counts are read at every scrape (BullMQ `getJobCounts`). */
const watchedQueues = new Set<readonly Queue[]>();
/** Stores whose firing alerts are counted at every scrape. */
const watchedStores = new Set<Store>();

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    records: new Counter({
      name: 'werkbrug_records_total', help: 'Records read from partners, by what became of them (the outcomes of a run balance).',
      labelNames: ['partner', 'stream', 'outcome'] as const, registers,
    }),
    runs: new Counter({ name: 'werkbrug_runs_total', help: 'Sync runs finished, by partner and status (succeeded, failed).', labelNames: ['partner', 'status'] as const, registers }),
    runDuration: new Histogram({
      name: 'werkbrug_run_duration_seconds', help: 'Duration of finished sync runs, from start to finish, in seconds.',
      labelNames: ['partner', 'status'] as const, buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400], registers,
    }),
    partnerRequestDuration: new Histogram({
      name: 'werkbrug_partner_request_duration_seconds', help: 'Duration of one request to a partner system (each attempt, retries included), in seconds.',
      labelNames: ['partner'] as const, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers,
    }),
    partnerErrors: new Counter({
      name: 'werkbrug_partner_errors_total', help: 'Failed requests to a partner system (each attempt), by werkbrug error code.',
      labelNames: ['partner', 'code'] as const, registers,
    }),
    queueJobs: new Gauge({
      name: 'werkbrug_queue_jobs', help: 'Jobs in each queue by state, read from Redis at scrape time.',
      labelNames: ['queue', 'state'] as const, registers,
      async collect() {
        this.reset();
        for (const queues of watchedQueues) {
          for (const queue of queues) {
            // Redis unreachable: the gauge is left empty for this scrape; /readyz says why.
            const counts = await queue.getJobCounts(...queueStates).catch(() => undefined);
            for (const state of queueStates) if (counts !== undefined) this.inc({ queue: queue.name, state }, counts[state] ?? 0);
          }
        }
      },
    }),
    alertsFiring: new Gauge({
      name: 'werkbrug_alerts_firing', help: 'Alerts firing now, by kind (failed-run, stale, quarantine-rate, consent-log), read from the store at scrape time.',
      labelNames: ['kind'] as const, registers,
      async collect() {
        this.reset();
        for (const store of watchedStores) {
          const firing = await store.operations.listAlerts({ status: 'firing' }).catch(() => undefined);
          if (firing === undefined) continue;
          for (const kind of alertKinds) this.inc({ kind }, firing.filter((alert) => alert.kind === kind).length);
        }
      },
    }),
  };
}

/** The metrics of this process. */
export const metrics = createMetrics();
export const metricsRegistry: Registry = metrics.registry;

/** Counts a stored page's outcomes (jobs/ingest.ts, after the page is committed). */
export function recordIngest(partner: string, stream: string, counts: Partial<RunCounts>): void {
  for (const outcome of recordOutcomes) {
    const n = counts[outcome] ?? 0;
    if (n > 0) metrics.records.inc({ partner, stream, outcome }, n);
  }
}

/** Counts a finished run and observes its duration; a run still running is ignored. */
export function recordRun(run: Pick<SyncRun, 'partnerId' | 'status' | 'startedAt' | 'finishedAt'>): void {
  if (run.status === 'running' || run.finishedAt === null) return;
  const labels = { partner: run.partnerId, status: run.status };
  metrics.runs.inc(labels);
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  if (Number.isFinite(seconds) && seconds >= 0) metrics.runDuration.observe(labels, seconds);
}

/** The `observer` of a partner's HTTP client (src/connector/axios-partner-http.ts). */
export function partnerRequestObserver(partner: string): (attempt: { readonly durationMs: number; readonly code?: ErrorCode }) => void {
  return ({ durationMs, code }) => {
    metrics.partnerRequestDuration.observe({ partner }, durationMs / 1000);
    if (code !== undefined) metrics.partnerErrors.inc({ partner, code });
  };
}

/** Reads these queues' job counts at every scrape until the returned function is called. */
export function watchQueues(queues: { readonly sync: Queue; readonly pull: Queue; readonly ingest: Queue }): () => void {
  const entry = [queues.sync, queues.pull, queues.ingest] as const;
  watchedQueues.add(entry);
  return () => { watchedQueues.delete(entry); };
}

/** Counts this store's firing alerts at every scrape until the returned function is called. */
export function watchAlerts(store: Store): () => void {
  watchedStores.add(store);
  return () => { watchedStores.delete(store); };
}

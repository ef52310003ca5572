import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsRegistry, recordOutcomes, watchAlerts, watchQueues } from '../../src/operations/metrics.js';
import { readinessChecks, startHealthServer, type HealthServer } from '../../src/operations/health-server.js';
import { runBalance } from '../../src/pipeline/run-balance.js';
import { CAST } from '../../src/sandbox/cast.js';
import type { SyncRun } from '../../src/store/store.js';
import { PipelineHarness, partnerId } from '../support/pipeline-harness.js';

/**
 * The metrics a real sync leaves, scraped over HTTP from /metrics: records by outcome as the
 * run's balance counts them, partner requests and their errors as the sandbox saw them, the run,
 * queue depths from Redis and firing alerts from the store at scrape time.
 */
type Sample = { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly value: number };

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

describe('Prometheus metrics of a sync', () => {
  let harness: PipelineHarness;
  let server: HealthServer;
  let run: SyncRun;
  const unwatch: Array<() => void> = [];

  beforeAll(async () => {
    harness = await PipelineHarness.start({ name: 'metrics', persons: 40 });
    unwatch.push(watchQueues(harness.queues), watchAlerts(harness.store));
    server = await startHealthServer({
      port: 0, host: '127.0.0.1', registry: metricsRegistry,
      ready: readinessChecks({ redis: harness.queues.connection, store: harness.store, loops: { workers: () => true } }),
    });
    // One 503 on the first Consent page: a retried partner error.
    await harness.armFault({ match: { path: '/fhir/Consent' }, fault: { type: 'http-error', status: 503 }, times: 1 });
    // The sync job reports its run to the metrics when it finishes (jobs/sync.ts).
    run = await harness.sync();
  });

  afterAll(async () => {
    for (const stop of unwatch) stop();
    await server?.close();
    await harness?.close();
  });

  const scrape = async (): Promise<{ text: string; samples: Sample[] }> => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    return { text, samples: parseMetrics(text) };
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length)?.value;
  const sum = (samples: Sample[], name: string, labels: Record<string, string>): number =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((total, s) => total + s.value, 0);

  it('counts records per stream and outcome as the run balance does', async () => {
    expect(run.status, run.errorMessage ?? '').toBe('succeeded');
    const { samples } = await scrape();
    const totals = runBalance(run.streams).totals;
    for (const outcome of recordOutcomes) {
      expect(sum(samples, 'werkbrug_records_total', { partner: partnerId, outcome }), outcome).toBe(totals[outcome]);
    }
    expect(totals.stored).toBeGreaterThan(0);
    for (const [stream, counts] of Object.entries(run.streams)) {
      if (counts.stored > 0) expect(value(samples, 'werkbrug_records_total', { partner: partnerId, stream, outcome: 'stored' }), stream).toBe(counts.stored);
    }
  });

  it('times every partner request and counts the failed one by code', async () => {
    const { samples } = await scrape();
    expect(value(samples, 'werkbrug_partner_request_duration_seconds_count', { partner: partnerId })).toBe(harness.journal().length);
    expect(value(samples, 'werkbrug_partner_errors_total', { partner: partnerId, code: 'WB_PARTNER_UNREACHABLE' })).toBe(1);
  });

  it('counts the run and its duration, and reads queue depths and firing alerts at scrape time', async () => {
    let { samples } = await scrape();
    expect(value(samples, 'werkbrug_runs_total', { partner: partnerId, status: 'succeeded' })).toBe(1);
    expect(value(samples, 'werkbrug_run_duration_seconds_count', { partner: partnerId, status: 'succeeded' })).toBe(1);
    const completed = await harness.queues.ingest.getJobCounts('completed');
    expect(value(samples, 'werkbrug_queue_jobs', { queue: 'ingest', state: 'completed' })).toBe(completed.completed);
    expect(value(samples, 'werkbrug_queue_jobs', { queue: 'sync', state: 'waiting' })).toBe(0);
    expect(value(samples, 'werkbrug_alerts_firing', { kind: 'stale' })).toBe(0);

    await harness.store.operations.fireAlert({ alertKey: 'stale:gem-utrecht', kind: 'stale', partnerId: 'gem-utrecht', summary: 'test', detail: {} }, new Date().toISOString());
    ({ samples } = await scrape());
    expect(value(samples, 'werkbrug_alerts_firing', { kind: 'stale' })).toBe(1);
    expect(value(samples, 'werkbrug_alerts_firing', { kind: 'failed-run' })).toBe(0);
  });

  it('includes the default process metrics and nothing about a person', async () => {
    const { text } = await scrape();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_total_bytes \d/m);
    const personal = CAST.flatMap((p) => [p.bsn, p.familyName, p.street, p.birthDate]);
    expect(personal.filter((v) => text.includes(v))).toEqual([]);
  });
});

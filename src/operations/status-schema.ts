import { z } from 'zod';

/**
 * The JSON of `werkbrug status --format json`: a stable contract for monitoring scripts. Fields
 * are only ever added; a change that removes or changes one raises `schema` (`werkbrug.status/2`).
 * `werkbrug status --json-schema` prints it as JSON Schema. Instants are ISO-8601 in UTC.
 */
export const statusSchemaId = 'werkbrug.status/1';

const instant = z.string().describe('An ISO-8601 instant in UTC.');
const runStatus = z.enum(['running', 'succeeded', 'failed']);

export const countsSchema = z.object({
  read: z.number().int().describe('Records read from the partner.'),
  stored: z.number().int().describe('Records stored (new or changed).'),
  unchanged: z.number().int().describe('Records read again without a change.'),
  stale: z.number().int().describe('Records older than the stored version (not stored).'),
  deleted: z.number().int().describe('Records the partner deleted, removed from the store.'),
  quarantined: z.number().int().describe('Records that could not be read or mapped (see `werkbrug quarantine list`).'),
  refused: z.number().int().describe('Records refused by the consent check.'),
  pending: z.number().int().describe('Records waiting for consent.'),
  absorbed: z.number().int().describe('Duplicates within a page (counted, not stored).'),
  pages: z.number().int().describe('Pages pulled.'),
  released: z.number().int().describe('Pending records of earlier runs stored now.'),
  lapsed: z.number().int().describe('Pending records of earlier runs refused now (waited too long).'),
  removed: z.number().int().describe('Stored rows a per-person answer (UWV) no longer holds, removed.'),
  personCounts: z.record(z.string(), z.number().int()).describe('Per-person outcomes of a per-person source (UWV: asked, not-found, …); empty for others.'),
}).describe('Counters of one stream in one run.');

export const runHeadSchema = z.object({
  runId: z.string(),
  trigger: z.string().describe('What started the run: schedule, manual, retry, replay, backfill, release, demo, test.'),
  status: runStatus,
  startedAt: instant,
  finishedAt: instant.nullable(),
  durationSeconds: z.number().nullable().describe('Finished minus started; null while running.'),
  errorCode: z.string().nullable().describe('The WB_ code of a failed run (docs/errors.md).'),
  errorMessage: z.string().nullable().describe('What failed, without personal data.'),
});

const streamStatusSchema = z.object({
  stream: z.string(),
  role: z.enum(['consent', 'data', 'deletions']).describe('Consent streams are pulled first in a run.'),
  lastRun: z.object({ runId: z.string(), status: runStatus, startedAt: instant }).nullable().describe('The latest run that covered this stream.'),
  counts: countsSchema.nullable().describe('The counters of this stream in that run; null when it recorded none.'),
  lastSuccess: z.object({ runId: z.string(), at: instant }).nullable().describe('The latest successful run that covered this stream.'),
});

const scheduleStatusSchema = z.object({
  index: z.number().int().describe('Position in partners[].schedules.'),
  cron: z.string(),
  timezone: z.string(),
  streams: z.array(z.string()).nullable().describe('Only these streams; null: all.'),
  nextAt: instant.nullable().describe('The next slot after now (the scheduler starts it unless the partner is paused or switched off).'),
});

export const partnerStatusSchema = z.object({
  partnerId: z.string(),
  connector: z.string(),
  state: z.enum(['active', 'paused', 'switched-off']).describe('paused: by `werkbrug pause`; switched-off: `paused: true` in the config.'),
  pause: z.object({ by: z.string(), at: instant, reason: z.string().nullable() }).nullable().describe('Who paused it, when and why (set while paused by `werkbrug pause`).'),
  lastRun: runHeadSchema.nullable().describe('The latest run of the partner, any trigger.'),
  lastSuccess: z.object({ runId: z.string(), at: instant, ageHours: z.number() }).nullable(),
  staleAfterHours: z.number().describe('partners[].staleAfterHours or operations.alerts.staleAfterHours.'),
  stale: z.boolean().describe('No successful sync for longer than staleAfterHours (or never).'),
  openQuarantine: z.number().int().describe('Quarantined records not released.'),
  pending: z.number().int().describe('Records waiting for consent.'),
  heldRuns: z.number().int().nullable().describe('Sync runs held because the partner is paused; null when Redis could not be reached.'),
  streams: z.array(streamStatusSchema),
  schedules: z.array(scheduleStatusSchema),
});

const jobCountsSchema = z.object({
  waiting: z.number().int(), active: z.number().int(), delayed: z.number().int(), failed: z.number().int(), completed: z.number().int(),
});

export const attentionSchema = z.object({
  partnerId: z.string(),
  kind: z.enum(['failed-run', 'stale']),
  message: z.string(),
});

export const statusReportSchema = z.object({
  schema: z.literal(statusSchemaId),
  generatedAt: instant,
  configFile: z.string(),
  ok: z.boolean().describe('False when an active partner needs attention; the exit code is then 1.'),
  attention: z.array(attentionSchema).describe('Active partners (not paused, not switched off) whose latest run failed or that are stale.'),
  partners: z.array(partnerStatusSchema),
  queues: z.object({
    known: z.boolean().describe('False when Redis could not be reached: depths and held runs are unknown.'),
    problem: z.string().nullable(),
    sync: jobCountsSchema.nullable(),
    pull: jobCountsSchema.nullable(),
    ingest: jobCountsSchema.nullable(),
  }),
  alerts: z.array(z.object({
    alertKey: z.string(), kind: z.string(), partnerId: z.string().nullable(), since: instant, lastAt: instant, summary: z.string(),
  })).describe('Alerts firing now (sent to the webhook, not yet recovered).'),
});

export type StatusReport = z.infer<typeof statusReportSchema>;
export type PartnerStatus = z.infer<typeof partnerStatusSchema>;
export type RunHead = z.infer<typeof runHeadSchema>;
export type JobCounts = z.infer<typeof jobCountsSchema>;

import { z } from 'zod';
import { CronExpressionParser } from 'cron-parser';

/**
 * The `operations` section of the region config and the `schedules` of a partner (issue 6): when
 * partners are synced, what the scheduler does with slots it missed, when operations is alerted,
 * where the health and metrics endpoint listens, and how a back-fill is split. Every field has a
 * `.describe()` text; the README's configuration reference is generated from them.
 */

/** An IANA time zone Node knows (Intl), e.g. Europe/Amsterdam. */
export const timeZone = z.string().min(1).max(64).refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Amsterdam');

/** A five-field cron expression (minute hour day-of-month month day-of-week), as node-cron and cron-parser read it. */
export const cronExpression = z.string().min(9).max(120).refine((expression) => {
  if (expression.trim().split(/\s+/).length !== 5) return false;
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return true;
  } catch {
    return false;
  }
}, 'a cron expression of five fields: minute hour day-of-month month day-of-week (e.g. "15 2 * * *")');

export const scheduleSchema = z.strictObject({
  cron: cronExpression.describe('When to sync: a five-field cron expression (minute hour day-of-month month day-of-week), e.g. "15 2 * * *" for 02:15 every day.'),
  timezone: timeZone.default('Europe/Amsterdam').describe('Time zone the cron expression is read in (IANA name). Default Europe/Amsterdam, so 02:15 stays 02:15 across daylight saving time.'),
  streams: z.array(z.string().min(1).max(60)).min(1).optional().describe("Only these streams of the partner (names as the connector's README gives them); all streams when left out."),
});
export type Schedule = z.infer<typeof scheduleSchema>;

const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)');

export const alertSettingsSchema = z.strictObject({
  url: z.string().url().optional().describe('Webhook that receives alerts as JSON POSTs. No alerts are sent when neither url nor urlEnv is set (they are still logged).'),
  urlEnv: envName.optional().describe('Environment variable holding the webhook URL instead of `url` (when the URL itself carries a token).'),
  secretHeader: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default('X-Werkbrug-Secret').describe('Name of the header that carries the shared secret.'),
  secretEnv: envName.default('WERKBRUG_ALERT_SECRET').describe('Environment variable holding the shared secret sent in `secretHeader`; the header is left out when it is unset.'),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000).describe('Timeout of one webhook delivery, in milliseconds.'),
  retries: z.number().int().min(0).max(10).default(4).describe('Retries of a webhook delivery that failed (network error, timeout, 5xx, 429), with exponential back-off.'),
  baseDelayMs: z.number().int().min(1).max(60_000).default(1000).describe('First back-off delay between deliveries, in milliseconds; doubles per retry.'),
  staleAfterHours: z.number().min(1).max(24 * 60).default(36).describe('Alert when a partner has had no successful sync for this many hours (per partner: `partners[].staleAfterHours`).'),
  quarantineRate: z.number().min(0).max(1).default(0.05).describe('Alert when the last run of a partner quarantined more than this fraction of the records it read (0.05 = 5 %).'),
  quarantineMinRead: z.number().int().min(0).default(20).describe('The quarantine rate is only judged on runs that read at least this many records.'),
  checkEverySeconds: z.number().int().min(5).max(86_400).default(300).describe('How often the scheduler checks staleness, quarantine rates and the consent log.'),
});

export const schedulerSettingsSchema = z.strictObject({
  catchUp: z.enum(['latest', 'all', 'none']).default('latest').describe('What a scheduler that was down does with the slots it missed: `latest` runs one sync for them (cursors make it catch up everything), `all` runs each missed slot, `none` only reports them.'),
  maxCatchUpSlots: z.number().int().min(1).max(1000).default(24).describe('With catchUp `all`: at most this many missed slots per schedule are run (the newest).'),
  slotRetentionDays: z.number().int().min(1).max(366).default(14).describe('How long the claim of a schedule slot is kept in Redis (the deduplication of schedulers on several machines).'),
  housekeeping: z.strictObject({
    cron: cronExpression.describe('When to write a signed consent-log checkpoint and run the retention purge.'),
    timezone: timeZone.default('Europe/Amsterdam').describe('Time zone of the housekeeping cron expression.'),
  }).optional().describe('Housekeeping: a signed checkpoint and the retention purge on their own schedule, besides after syncs.'),
});

export const healthSettingsSchema = z.strictObject({
  host: z.string().min(1).default('0.0.0.0').describe('Address the health and metrics endpoint listens on.'),
  port: z.number().int().min(0).max(65_535).default(9464).describe('Port of /healthz, /readyz and /metrics (0: any free port).'),
});

export const backfillSettingsSchema = z.strictObject({
  windowDays: z.number().int().min(1).max(366).default(7).describe('A back-fill is split into windows of this many days.'),
  parallel: z.number().int().min(1).max(32).default(4).describe('Windows of one back-fill processed at the same time.'),
});

export const operationsSchema = z.strictObject({
  scheduler: schedulerSettingsSchema.prefault({}).describe('The scheduler (`werkbrug scheduler`).'),
  alerts: alertSettingsSchema.prefault({}).describe('Alerts to operations by webhook.'),
  health: healthSettingsSchema.prefault({}).describe('Health and Prometheus metrics endpoint of `werkbrug worker` and `werkbrug scheduler`.'),
  backfill: backfillSettingsSchema.prefault({}).describe('Back-fills (`werkbrug backfill`).'),
  holdSeconds: z.number().int().min(1).max(3600).default(30).describe('How often held work of a paused partner looks again whether it was resumed (resume also releases it at once).'),
});
export type OperationsSettings = z.infer<typeof operationsSchema>;

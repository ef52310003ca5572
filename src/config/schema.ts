import { z } from 'zod';
import { purposeCodes, arbeidsmarktregioCodes } from '../trajectory/codes.js';
import { privacySchema } from './privacy-schema.js';
import { operationsSchema, scheduleSchema } from './operations-schema.js';

/**
 * The region configuration (`config/*.yaml`). Strict objects turn typos into errors; every field
 * has a `.describe()` text, from which the README's configuration reference is generated
 * (`npm run docs:config`; `test/config/config-reference.test.ts` fails when it is stale).
 * Secrets never sit here: fields ending in `Env` name the environment variable that holds one.
 */
const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)');

export const partnerSchema = z.strictObject({
  id: z.string().max(40).regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'a partner id as in reference/partners-<region>.csv')
    .describe('Partner id, as in config/reference/partners-<region>.csv (e.g. ggz-altrecht). Appears in every record reference.'),
  connector: z.string().describe('Connector id = folder name under connectors/ (e.g. ggz-fhir).'),
  paused: z.boolean().default(false).describe('A partner switched off in the config is not pulled or scheduled at all (`werkbrug pause` holds a partner without editing the config).'),
  schedules: z.array(scheduleSchema).default([]).describe('When `werkbrug scheduler` syncs this partner: one entry per cron expression, optionally for some streams only. No schedules: only manual syncs.'),
  staleAfterHours: z.number().min(1).max(24 * 60).optional().describe('Alert when this partner has had no successful sync for this many hours (default operations.alerts.staleAfterHours).'),
  settings: z.record(z.string(), z.unknown()).describe("The connector's own settings; see the connector's README."),
  http: z.strictObject({
    timeoutMs: z.number().int().min(100).max(600_000).default(30_000).describe('Timeout of one partner request, in milliseconds.'),
    retries: z.number().int().min(0).max(10).default(4).describe('Retries of one request on transient faults (5xx, 429, timeouts), with exponential back-off.'),
    baseDelayMs: z.number().int().min(1).max(60_000).default(500).describe('First back-off delay in milliseconds; doubles per retry.'),
    maxRetryAfterSeconds: z.number().int().min(0).max(3600).default(60).describe('Longest Retry-After that is honoured; longer ones are capped.'),
    maxPageBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(16 * 1024 * 1024).describe('Largest response body accepted; larger is an error of the page, not a crash.'),
  }).prefault({}).describe('Partner HTTP limits.'),
});

export const configSchema = z.strictObject({
  region: z.strictObject({
    code: z.enum(arbeidsmarktregioCodes).describe('CBS arbeidsmarktregio code (AM13 = Midden-Utrecht).'),
    name: z.string().min(1).max(80).describe('Region name, for reports and logs.'),
  }).describe('The labour-market region this werkbrug serves.'),
  purposes: z.array(z.enum(purposeCodes)).min(1).describe('Purposes the region processes for; each record is checked against every one.'),
  consent: z.strictObject({
    maxWaitDays: z.number().int().min(0).max(365).default(30).describe('How long a record without consent waits (pending) before it is refused.'),
  }).prefault({}).describe('Consent checking.'),
  store: z.strictObject({
    embeddedDir: z.string().min(1).default('.werkbrug/store').describe('Folder of the embedded PGlite store, used when DATABASE_URL is not set. Relative to the working directory.'),
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default('werkbrug').describe('PostgreSQL schema werkbrug owns (PostgreSQL only).'),
  }).prefault({}).describe('The regional reporting store. The connection string comes from DATABASE_URL, never from this file.'),
  pseudonym: z.strictObject({
    keyEnv: envName.default('WERKBRUG_PSEUDONYM_KEY').describe('Environment variable holding the 32-byte region key (64 hex characters or base64).'),
    keyIdEnv: envName.default('WERKBRUG_PSEUDONYM_KEY_ID').describe('Environment variable holding the key id (e.g. mu-2025a).'),
    previousKeyEnv: envName.default('WERKBRUG_PSEUDONYM_PREVIOUS_KEY').describe('Environment variable holding the previous region key, set only during a key rotation window (docs/privacy/key-rotation.md); unset otherwise.'),
    previousKeyIdEnv: envName.default('WERKBRUG_PSEUDONYM_PREVIOUS_KEY_ID').describe('Environment variable holding the previous key id (e.g. mu-2024a), set only during a key rotation window together with previousKeyEnv.'),
  }).prefault({}).describe('Where the pseudonymisation key (and, during a key rotation, the previous key) comes from.'),
  privacy: privacySchema.prefault({}).describe('Privacy: signed checkpoints of the consent log, retention per purpose.'),
  pipeline: z.strictObject({
    ingestConcurrency: z.number().int().min(1).max(32).default(2).describe('Batches stored in parallel per worker process.'),
    pullConcurrency: z.number().int().min(1).max(32).default(4).describe('Streams pulled in parallel per worker process.'),
    attempts: z.number().int().min(1).max(20).default(5).describe('Attempts of a job before it ends in the failed state.'),
    backoffMs: z.number().int().min(10).max(600_000).default(2000).describe('First back-off delay between job attempts (exponential).'),
  }).prefault({}).describe('Queues and workers.'),
  operations: operationsSchema.prefault({}).describe('Operations: schedules, alerts, health and metrics, back-fills.'),
  partners: z.array(partnerSchema).min(1).describe('Partner connections.'),
});

export type Config = z.infer<typeof configSchema>;
export type PartnerConfig = z.infer<typeof partnerSchema>;

import type { CheckpointSettings } from '../config/checkpoint-settings.js';
import type { Logger } from '../logging/logger.js';
import type { Checkpoint } from './checkpoint.js';
import { writeCheckpointFile } from './checkpoint-folder.js';

/**
 * Hands a new checkpoint to every partner's privacy officer: a copy in their folder and a POST to
 * their webhook. A failed delivery is retried (webhooks), then logged at error and reported in
 * the result, never dropped silently: a partner without the checkpoint cannot catch a rewrite.
 */
export interface Delivery {
  readonly partner: string;
  readonly via: 'folder' | 'webhook';
  /** The folder, or the webhook's origin (never its path or query, which may hold a token). */
  readonly target: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly error?: string;
}

export interface WebhookRetry {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly timeoutMs: number;
}

export const defaultWebhookRetry: WebhookRetry = { attempts: 4, baseDelayMs: 500, timeoutMs: 10_000 };

const describeError = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error');

async function copyTo(copy: CheckpointSettings['copies'][number], checkpoint: Checkpoint): Promise<Delivery> {
  try {
    await writeCheckpointFile(copy.dir, checkpoint);
    return { partner: copy.partner, via: 'folder', target: copy.dir, ok: true, attempts: 1 };
  } catch (err) {
    return { partner: copy.partner, via: 'folder', target: copy.dir, ok: false, attempts: 1, error: describeError(err) };
  }
}

/** "Name: value" from the environment; the value is a secret and appears nowhere else. */
function secretHeader(variable: string | undefined, env: NodeJS.ProcessEnv): Record<string, string> | string {
  if (variable === undefined) return {};
  const line = env[variable];
  if (line === undefined || line === '') return `environment variable ${variable} is not set`;
  const colon = line.indexOf(':');
  if (colon <= 0) return `environment variable ${variable} is not a header line "Name: value"`;
  return { [line.slice(0, colon).trim()]: line.slice(colon + 1).trim() };
}

async function post(hook: CheckpointSettings['webhooks'][number], checkpoint: Checkpoint, env: NodeJS.ProcessEnv, retry: WebhookRetry): Promise<Delivery> {
  const target = new URL(hook.url).origin;
  const header = secretHeader(hook.secretHeaderEnv, env);
  if (typeof header === 'string') return { partner: hook.partner, via: 'webhook', target, ok: false, attempts: 0, error: header };
  let error = 'not attempted';
  for (let attempt = 1; attempt <= retry.attempts; attempt += 1) {
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...header },
        body: JSON.stringify(checkpoint),
        signal: AbortSignal.timeout(retry.timeoutMs),
      });
      await response.arrayBuffer();
      if (response.ok) return { partner: hook.partner, via: 'webhook', target, ok: true, attempts: attempt };
      error = `HTTP ${response.status}`;
      // A 4xx other than 408/429 will not change on a retry: the partner refuses the request.
      if (response.status < 500 && response.status !== 408 && response.status !== 429) return { partner: hook.partner, via: 'webhook', target, ok: false, attempts: attempt, error };
    } catch (err) {
      error = describeError(err);
    }
    if (attempt < retry.attempts) await new Promise((resolve) => setTimeout(resolve, retry.baseDelayMs * 2 ** (attempt - 1)));
  }
  return { partner: hook.partner, via: 'webhook', target, ok: false, attempts: retry.attempts, error };
}

/** Copies and posts `checkpoint` to every configured partner, in parallel; logs each failure. */
export async function deliverCheckpoint(
  checkpoint: Checkpoint,
  settings: Pick<CheckpointSettings, 'copies' | 'webhooks'>,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  retry: WebhookRetry = defaultWebhookRetry,
): Promise<Delivery[]> {
  const deliveries = await Promise.all([
    ...settings.copies.map((copy) => copyTo(copy, checkpoint)),
    ...settings.webhooks.map((hook) => post(hook, checkpoint, env, retry)),
  ]);
  for (const d of deliveries) {
    if (!d.ok) logger.error({ partner: d.partner, via: d.via, target: d.target, attempts: d.attempts, error: d.error, treeSize: checkpoint.treeSize }, 'checkpoint delivery failed');
  }
  return deliveries;
}

import type { OperationsSettings } from '../../config/operations-schema.js';
import { WerkbrugError } from '../../errors/werkbrug-error.js';
import type { AlertBody } from './alert-body.js';

/**
 * Sending one alert body to the webhook: where to (operations.alerts.url or the variable urlEnv
 * names), with the shared secret in its header, and how a failed attempt is retried. 2xx is
 * delivered. Network errors, timeouts, 5xx and 429 are retried with exponential back-off (a
 * Retry-After is honoured up to {@link maxRetryAfterMs}); any other status is not, because
 * sending the same body again gets the same answer.
 */
export type AlertSettings = OperationsSettings['alerts'];

export interface AlertRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

export interface AlertResponse {
  readonly status: number;
  /** The Retry-After header, if any. */
  readonly retryAfter: string | null;
}

/** How a POST is made; rejects on a network error or timeout. Tests may pass their own. */
export type AlertSender = (request: AlertRequest) => Promise<AlertResponse>;

/** Node's fetch: no redirects followed (a 3xx is an answer, not retried), the body discarded. */
export const fetchSender: AlertSender = async (request) => {
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
};

export interface WebhookTarget {
  readonly url: string;
  /** Scheme, host and path: what logs and the CLI show (a URL from urlEnv may carry a token in its query). */
  readonly shown: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The webhook, or undefined when none is configured. Throws `WB_CONFIG_SECRET_MISSING` when
 * urlEnv names a variable that is unset, `WB_CONFIG_INVALID` when its value is no http(s) URL.
 */
export function webhookTarget(settings: AlertSettings, env: NodeJS.ProcessEnv): WebhookTarget | undefined {
  let url = settings.url;
  if (url === undefined && settings.urlEnv !== undefined) {
    url = env[settings.urlEnv];
    if (url === undefined || url === '') {
      throw new WerkbrugError('WB_CONFIG_SECRET_MISSING', { field: settings.urlEnv, expected: `environment variable ${settings.urlEnv} with the alert webhook URL (operations.alerts.urlEnv)` });
    }
  }
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    const field = settings.url !== undefined ? 'operations.alerts.url' : settings.urlEnv ?? 'operations.alerts.urlEnv';
    throw new WerkbrugError('WB_CONFIG_INVALID', { field, expected: 'an http:// or https:// URL of the alert webhook' });
  }
  const secret = env[settings.secretEnv];
  return {
    url,
    shown: `${parsed.origin}${parsed.pathname}`,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'werkbrug-alerts/1',
      ...(secret !== undefined && secret !== '' ? { [settings.secretHeader]: secret } : {}),
    },
  };
}

/** One attempt's outcome; `problem` is a fixed phrase for logs and the CLI (never a response body). */
export type AttemptOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly retryable: boolean; readonly status: number | null; readonly problem: string; readonly retryAfterMs?: number };

/** The longest Retry-After honoured between two attempts. */
export const maxRetryAfterMs = 60_000;

function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now.getTime();
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), maxRetryAfterMs) : undefined;
}

export async function sendAlert(target: WebhookTarget, body: AlertBody, settings: AlertSettings, send: AlertSender): Promise<AttemptOutcome> {
  let response: AlertResponse;
  try {
    response = await send({ url: target.url, headers: target.headers, body: JSON.stringify(body), timeoutMs: settings.timeoutMs });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    const problem = timedOut ? `no answer within ${settings.timeoutMs} ms` : `network error ${typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : 'unknown'}`;
    return { ok: false, retryable: true, status: null, problem };
  }
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, status };
  const retryable = status === 429 || status >= 500;
  const wait = retryable ? retryAfterMs(response.retryAfter, new Date()) : undefined;
  return { ok: false, retryable, status, problem: `answered HTTP ${status}`, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
}

/** The wait before retry number `retry` (0 = the first retry): Retry-After if given, else base × 2^retry. */
export function retryDelayMs(outcome: AttemptOutcome, retry: number, settings: AlertSettings): number {
  if (!outcome.ok && outcome.retryAfterMs !== undefined) return outcome.retryAfterMs;
  return settings.baseDelayMs * 2 ** retry;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it delivers, fails for good, or `settings.retries` retries are used up.
 * `attempt` resolves undefined when there is nothing (left) to send: another process sent it.
 */
export async function withRetries(
  settings: AlertSettings,
  sleep: (ms: number) => Promise<void>,
  attempt: () => Promise<AttemptOutcome | undefined>,
  onRetry: (outcome: AttemptOutcome, attemptNo: number, delayMs: number) => void,
): Promise<{ readonly outcome: AttemptOutcome | undefined; readonly attempts: number }> {
  for (let retry = 0; ; retry += 1) {
    const outcome = await attempt();
    if (outcome === undefined || outcome.ok || !outcome.retryable || retry >= settings.retries) return { outcome, attempts: retry + 1 };
    const delayMs = retryDelayMs(outcome, retry, settings);
    onRetry(outcome, retry + 1, delayMs);
    await sleep(delayMs);
  }
}

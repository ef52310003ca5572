import type { Config } from '../../config/schema.js';
import type { ErrorCode } from '../../errors/catalog.js';
import type { Logger } from '../../logging/logger.js';
import { errorFields } from '../../logging/logger.js';
import type { AlertState } from '../../store/operations-records.js';
import type { Store } from '../../store/store.js';
import { alertBody } from './alert-body.js';
import { defaultSleep, fetchSender, sendAlert, webhookTarget, withRetries, type AlertSender, type AttemptOutcome, type WebhookTarget } from './alert-webhook.js';

/**
 * Delivers what is due: an alert not yet delivered, the recovery of one that was. Every attempt
 * runs under the row's lock (`claimAlertDelivery`), so evaluators in several processes never
 * both send a message; between attempts the lock is let go, and whoever holds it next finds the
 * message delivered or still due. Undelivered messages stay due and go at the next evaluation.
 */
export interface AlertDeps {
  readonly config: Readonly<Config>;
  readonly store: Store;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** How a webhook POST is made; Node's fetch by default. */
  readonly send?: AlertSender;
  /** The clock; `new Date()` by default. */
  readonly now?: () => Date;
  /** How to wait between attempts; a timer by default. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryReport {
  /** Keys whose due message this call sent. */
  readonly sent: readonly string[];
  /** Keys whose due message could not be sent (no webhook, or it failed); due at the next check. */
  readonly undelivered: readonly string[];
}

export const isDue = (alert: AlertState): boolean =>
  (alert.status === 'firing' && alert.notifiedAt === null) || (alert.status === 'resolved' && alert.notifiedAt !== null && alert.recoveryNotifiedAt === null);

/** Configs whose misconfigured webhook was logged already in this process (once, not at every run). */
const reportedMisconfigured = new WeakSet<object>();

/** The webhook, or undefined (none configured, or configured wrongly: then logged as an error, once per process). */
export function configuredTarget(deps: AlertDeps): WebhookTarget | undefined {
  try {
    return webhookTarget(deps.config.operations.alerts, deps.env);
  } catch (error) {
    if (!reportedMisconfigured.has(deps.config)) {
      reportedMisconfigured.add(deps.config);
      deps.logger.error(errorFields(error), 'alert webhook misconfigured: alerts are logged, not sent');
    }
    return undefined;
  }
}

async function deliverOne(deps: AlertDeps, target: WebhookTarget, alertKey: string): Promise<'sent' | 'skipped' | 'failed'> {
  const settings = deps.config.operations.alerts;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ alertKey, webhook: target.shown });
  // What the last attempt sent (set inside the claim; empty when nothing was due).
  const last: { event?: 'alert' | 'recovery'; outcome?: AttemptOutcome } = {};
  const { outcome, attempts } = await withRetries(settings, deps.sleep ?? defaultSleep, async () => {
    last.outcome = undefined;
    await deps.store.operations.claimAlertDelivery(alertKey, async (alert, event) => {
      last.event = event;
      last.outcome = await sendAlert(target, alertBody(alert, event, deps.config.region.code, now()), settings, deps.send ?? fetchSender);
      return last.outcome.ok;
    }, () => now().toISOString());
    return last.outcome;
  }, (failed, attemptNo, delayMs) => {
    if (!failed.ok) log.warn({ event: last.event, attempt: attemptNo, status: failed.status, problem: failed.problem, delayMs }, 'alert delivery retried');
  });
  // Nothing due any more: another process delivered it (or holds it right now).
  if (outcome === undefined) return 'skipped';
  if (outcome.ok) {
    log.info({ event: last.event, status: outcome.status, attempts }, 'alert delivered');
    return 'sent';
  }
  const code: ErrorCode = 'WB_OPERATIONS_ALERT_UNDELIVERED';
  const fields = { code, event: last.event, status: outcome.status, problem: outcome.problem, attempts };
  if (outcome.retryable) log.warn(fields, 'alert not delivered: tried again at the next check');
  else log.error(fields, `alert refused by the webhook (${outcome.problem}): tried again at the next check`);
  return 'failed';
}

/** Delivers every due message (of `keys` only, when given). Never throws: failures are logged. */
export async function deliverDue(deps: AlertDeps, keys?: ReadonlySet<string>): Promise<DeliveryReport> {
  const target = configuredTarget(deps);
  const sent: string[] = [];
  const undelivered: string[] = [];
  const due = (await deps.store.operations.listAlerts({})).filter((alert) => isDue(alert) && (keys === undefined || keys.has(alert.alertKey)));
  if (target === undefined) return { sent, undelivered: due.map((alert) => alert.alertKey) };
  for (const alert of due) {
    try {
      const result = await deliverOne(deps, target, alert.alertKey);
      if (result === 'sent') sent.push(alert.alertKey);
      if (result === 'failed') undelivered.push(alert.alertKey);
    } catch (error) {
      deps.logger.error({ ...errorFields(error), alertKey: alert.alertKey }, 'alert delivery failed in the store');
      undelivered.push(alert.alertKey);
    }
  }
  return { sent, undelivered };
}

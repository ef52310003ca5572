import { errorFields } from '../../logging/logger.js';
import type { SyncRun } from '../../store/store.js';
import { failedRunObservation, latestFinishedRun, quarantineRateObservation, staleObservation, type Observation } from './alert-conditions.js';
import { deliverDue, type AlertDeps } from './alert-delivery.js';
import { consentLogObservation } from './consent-log-condition.js';

/**
 * The two entry points of alerting. `evaluateAlerts` judges every condition (the scheduler calls
 * it every `operations.alerts.checkEverySeconds`); `alertsAfterRun` judges one partner's run
 * conditions when a run has finished, so a failed run alerts at once. Both record what they see
 * in `alert_state`, log each alert that starts (warn) and ends (info), then deliver what is due.
 * Any number of processes may call them at the same time: one condition is one alert and one
 * recovery (see `claimAlertDelivery` in the operations store). Neither throws: a check that
 * cannot run is logged and named in the report, and the other checks go on.
 */
export interface AlertsReport {
  /** Alert keys whose condition holds now. */
  readonly firing: readonly string[];
  /** Alerts this call started (or started again after their recovery). */
  readonly started: readonly string[];
  /** Alerts this call resolved. */
  readonly resolved: readonly string[];
  /** Messages (alerts, recoveries) this call delivered. */
  readonly sent: readonly string[];
  /** Messages due but not delivered (no webhook, or it failed): due at the next check. */
  readonly undelivered: readonly string[];
  /** Checks that could not run (`runs:ggz-altrecht`, `consent-log`, …). */
  readonly problems: readonly string[];
}

type Check = readonly [name: string, run: () => Promise<readonly (Observation | undefined)[]>];

async function judge(deps: AlertDeps, checks: readonly Check[], at: Date): Promise<Omit<AlertsReport, 'sent' | 'undelivered'> & { keys: Set<string> }> {
  const report = { firing: [] as string[], started: [] as string[], resolved: [] as string[], problems: [] as string[], keys: new Set<string>() };
  for (const [name, run] of checks) {
    let observations: readonly (Observation | undefined)[];
    try {
      observations = await run();
    } catch (error) {
      deps.logger.error({ ...errorFields(error), check: name }, 'alert check failed');
      report.problems.push(name);
      continue;
    }
    for (const observation of observations) {
      if (observation === undefined) continue;
      try {
        await apply(deps, observation, at, report);
      } catch (error) {
        deps.logger.error({ ...errorFields(error), check: name }, 'alert state not saved');
        report.problems.push(name);
      }
    }
  }
  return report;
}

async function apply(deps: AlertDeps, observation: Observation, at: Date, report: { firing: string[]; started: string[]; resolved: string[]; keys: Set<string> }): Promise<void> {
  if (observation.state === 'firing') {
    const { alert, started } = await deps.store.operations.fireAlert(observation.alert, at.toISOString());
    report.keys.add(alert.alertKey);
    report.firing.push(alert.alertKey);
    if (started) {
      report.started.push(alert.alertKey);
      deps.logger.warn({ alertKey: alert.alertKey, kind: alert.kind, partner: alert.partnerId, summary: alert.summary, detail: alert.detail }, 'alert firing');
    }
    return;
  }
  report.keys.add(observation.alertKey);
  const resolved = await deps.store.operations.resolveAlert(observation.alertKey, at.toISOString());
  if (resolved !== undefined) {
    report.resolved.push(resolved.alertKey);
    deps.logger.info({ alertKey: resolved.alertKey, kind: resolved.kind, partner: resolved.partnerId, since: resolved.firstAt, recoveryDue: resolved.notifiedAt !== null }, 'alert resolved');
  }
}

function runChecks(deps: AlertDeps, partnerId: string, known?: SyncRun): Check {
  return [`runs:${partnerId}`, async () => {
    const run = await latestFinishedRun(deps.store, partnerId, known);
    if (run === undefined) return [];
    return [failedRunObservation(partnerId, run), quarantineRateObservation(partnerId, run, deps.config.operations.alerts)];
  }];
}

function staleCheck(deps: AlertDeps, partnerIds: readonly string[], at: Date): Check {
  return ['stale', async () => {
    const summaries = await deps.store.operations.partnerRunSummaries(partnerIds);
    const paused = new Set((await deps.store.operations.partnerControls()).filter((c) => c.paused).map((c) => c.partnerId));
    return summaries.flatMap((summary) => {
      const partner = deps.config.partners.find((p) => p.id === summary.partnerId);
      if (partner === undefined) return [];
      return [staleObservation(deps.store, {
        partner, lastSuccessAt: summary.lastSuccessAt, lastSuccessRunId: summary.lastSuccessRunId, firstRunAt: summary.firstRunAt, pausedByOperations: paused.has(partner.id),
      }, deps.config.operations.alerts, at)];
    });
  }];
}

async function finish(deps: AlertDeps, judged: Awaited<ReturnType<typeof judge>>, keys?: ReadonlySet<string>): Promise<AlertsReport> {
  const { keys: _seen, ...rest } = judged;
  try {
    const delivery = await deliverDue(deps, keys);
    return { ...rest, ...delivery };
  } catch (error) {
    deps.logger.error({ ...errorFields(error) }, 'alert delivery failed in the store');
    return { ...rest, sent: [], undelivered: [], problems: [...rest.problems, 'delivery'] };
  }
}

/** Judges every condition of every partner switched on in the config, and the consent log; then delivers what is due. */
export async function evaluateAlerts(deps: AlertDeps, options: { readonly now?: Date } = {}): Promise<AlertsReport> {
  const at = options.now ?? deps.now?.() ?? new Date();
  // A partner switched off in the config is not judged (its open alerts stay as they are).
  const partnerIds = deps.config.partners.filter((p) => !p.paused).map((p) => p.id);
  const checks: Check[] = [
    ...partnerIds.map((id) => runChecks(deps, id)),
    staleCheck(deps, partnerIds, at),
    ['consent-log', async () => [await consentLogObservation(deps.store, deps.config, deps.env, deps.logger)]],
  ];
  return finish(deps, await judge(deps, checks, at));
}

/**
 * Judges the run conditions of `run`'s partner (failed run, quarantine rate, staleness) now that
 * the run has finished, and delivers what is due for that partner. Call it after the run's
 * outcome is stored; it may take as long as the webhook's retries when the webhook is down.
 */
export async function alertsAfterRun(deps: AlertDeps, run: SyncRun): Promise<AlertsReport> {
  const at = deps.now?.() ?? new Date();
  const configured = deps.config.partners.some((p) => p.id === run.partnerId && !p.paused);
  const checks: Check[] = [runChecks(deps, run.partnerId, run), ...(configured ? [staleCheck(deps, [run.partnerId], at)] : [])];
  const judged = await judge(deps, checks, at);
  return finish(deps, judged, judged.keys);
}

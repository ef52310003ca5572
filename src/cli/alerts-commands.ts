import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { testAlertBody } from '../operations/alerts/alert-body.js';
import { defaultSleep, fetchSender, sendAlert, webhookTarget, withRetries, type AlertSender } from '../operations/alerts/alert-webhook.js';
import type { AlertState } from '../store/operations-records.js';
import { openOperationsContext } from './operations-context.js';

/**
 * `werkbrug alerts list [--all] [--format table|json]`: the alerts firing now (or every alert the
 * store remembers), and `werkbrug alerts test`: one test alert to the configured webhook, saying
 * whether it arrived (exit 0) or not (exit 1, `WB_OPERATIONS_ALERT_UNDELIVERED`). Neither needs
 * the pseudonymisation key or Redis.
 */
const defaultConfigFile = 'config/midden-utrecht.yaml';

export interface AlertsIo {
  readonly env: NodeJS.ProcessEnv;
  readonly write: (text: string) => void;
  readonly now: () => Date;
  /** Tests: a store schema of their own (PostgreSQL). */
  readonly storeSchema?: string;
  /** Tests: how the POST is sent (default Node's fetch). */
  readonly send?: AlertSender;
}

const processIo = (): AlertsIo => ({ env: process.env, write: (text) => { process.stdout.write(text); }, now: () => new Date() });

function delivery(alert: AlertState): string {
  const alertPart = alert.notifiedAt !== null ? 'alert sent' : 'alert not sent';
  if (alert.status === 'firing') return alertPart;
  if (alert.notifiedAt === null) return 'nothing sent';
  return alert.recoveryNotifiedAt !== null ? 'alert and recovery sent' : 'recovery not sent';
}

/** A plain table: one line per alert, columns padded, the summary last. */
export function formatAlertsTable(alerts: readonly AlertState[], all: boolean): string {
  if (alerts.length === 0) return all ? 'no alerts recorded\n' : 'no alerts firing\n';
  const rows = alerts.map((a) => [a.alertKey, a.status, a.firstAt, a.resolvedAt ?? '-', delivery(a), a.summary]);
  const header = ['KEY', 'STATUS', 'SINCE', 'RESOLVED', 'DELIVERY', 'SUMMARY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

export async function alertsListCommand(options: { config: string; all?: boolean; format?: string }, io: AlertsIo = processIo()): Promise<number> {
  const context = await openOperationsContext({ configFile: options.config, env: io.env, queues: 'none', ...(io.storeSchema ? { schema: io.storeSchema } : {}) });
  try {
    const alerts = await context.store.operations.listAlerts(options.all === true ? {} : { status: 'firing' });
    io.write(options.format === 'json' ? `${JSON.stringify({ alerts }, null, 2)}\n` : formatAlertsTable(alerts, options.all === true));
    return 0;
  } finally {
    await context.close();
  }
}

export async function alertsTestCommand(options: { config: string }, io: AlertsIo = processIo()): Promise<number> {
  const config = loadConfig(options.config);
  const settings = config.operations.alerts;
  const target = webhookTarget(settings, io.env);
  if (target === undefined) {
    throw new WerkbrugError('WB_CONFIG_INVALID', { file: options.config, field: 'operations.alerts', expected: 'a webhook: url, or urlEnv naming the environment variable that holds it' });
  }
  const secret = Object.keys(target.headers).includes(settings.secretHeader) ? `with the secret in ${settings.secretHeader}` : `without a secret (${settings.secretEnv} is not set)`;
  io.write(`sending a test alert to ${target.shown} ${secret}\n`);
  const { outcome, attempts } = await withRetries(settings, defaultSleep, () => sendAlert(target, testAlertBody(config.region.code, io.now()), settings, io.send ?? fetchSender), (failed, attemptNo, delayMs) => {
    if (!failed.ok) io.write(`  attempt ${attemptNo}: ${failed.problem}; trying again in ${delayMs} ms\n`);
  });
  if (outcome?.ok === true) {
    io.write(`test alert delivered: the webhook answered HTTP ${outcome.status} (attempt ${attempts})\n`);
    return 0;
  }
  const problem = outcome === undefined || outcome.ok ? 'no answer' : outcome.problem;
  throw new WerkbrugError('WB_OPERATIONS_ALERT_UNDELIVERED', { detail: `the test alert to ${target.shown} did not arrive: ${problem} (${attempts} attempt${attempts === 1 ? '' : 's'})` });
}

/** Registers `alerts list` and `alerts test`; errors reach main.ts's handler through parseAsync. */
export function registerAlertsCommands(program: Command): void {
  const alerts = program.command('alerts').description('Alerts to operations by webhook (docs/operations.md).');
  alerts.command('list')
    .description('The alerts firing now, or with --all every alert remembered (resolved ones too), with what was delivered.')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .option('--all', 'resolved alerts too')
    .option('--format <format>', 'table or json', 'table')
    .action(async (options: { config: string; all?: boolean; format: string }) => {
      if (options.format !== 'table' && options.format !== 'json') {
        throw new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { field: '--format', expected: 'table or json', got: JSON.stringify(options.format) });
      }
      process.exitCode = await alertsListCommand(options);
    });
  alerts.command('test')
    .description('Send a test alert to the configured webhook and say whether it arrived (exit 0) or not (exit 1).')
    .option('-c, --config <file>', 'region config file', defaultConfigFile)
    .action(async (options: { config: string }) => {
      process.exitCode = await alertsTestCommand(options);
    });
}

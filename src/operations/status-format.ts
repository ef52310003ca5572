import { displayTimeZone, formatAgo, formatDuration, formatInstant } from './display-time.js';
import type { PartnerStatus, StatusReport } from './status-schema.js';
import { keyValueLines, textTable } from './text-table.js';

/**
 * `werkbrug status` for people: what needs attention first, then one line per partner, one line
 * per stream, failures, paused partners, the next slots, the queues and firing alerts. Plain text,
 * no colours, read in a few seconds.
 */

function stateOf(partner: PartnerStatus): string {
  return partner.state === 'switched-off' ? 'off' : partner.state === 'paused' ? 'PAUSED' : 'active';
}

function result(status: string | undefined): string {
  return status === undefined ? '-' : status === 'failed' ? 'FAILED' : status;
}

function partnerTable(report: StatusReport): string {
  return textTable(
    [{ header: 'PARTNER' }, { header: 'STATE' }, { header: 'LAST RUN' }, { header: 'TRIGGER' }, { header: 'STARTED' }, { header: 'TOOK', align: 'right' },
      { header: 'RESULT' }, { header: 'LAST SUCCESS' }, { header: 'STALE' }, { header: 'QUARANTINE', align: 'right' }, { header: 'PENDING', align: 'right' },
      { header: 'HELD', align: 'right' }],
    report.partners.map((p) => [
      p.partnerId, stateOf(p), p.lastRun?.runId ?? '-', p.lastRun?.trigger ?? '-', formatInstant(p.lastRun?.startedAt),
      p.lastRun?.durationSeconds === null || p.lastRun === null ? '-' : formatDuration(p.lastRun.durationSeconds * 1000),
      result(p.lastRun?.status), formatAgo(p.lastSuccess?.at, new Date(report.generatedAt)),
      p.stale ? `yes (>${p.staleAfterHours}h)` : 'no', String(p.openQuarantine), String(p.pending), p.heldRuns === null ? '?' : String(p.heldRuns),
    ]),
  );
}

function streamTable(report: StatusReport): string {
  const rows = report.partners.flatMap((p) => p.streams.map((s) => [
    p.partnerId, s.stream, s.lastRun?.runId ?? '-', result(s.lastRun?.status),
    ...(['read', 'stored', 'unchanged', 'quarantined', 'refused', 'pending'] as const).map((k) => (s.counts ? String(s.counts[k]) : '-')),
    formatInstant(s.lastSuccess?.at),
  ]));
  return textTable(
    [{ header: 'PARTNER' }, { header: 'STREAM' }, { header: 'LAST RUN' }, { header: 'RESULT' }, { header: 'READ', align: 'right' },
      { header: 'STORED', align: 'right' }, { header: 'UNCHANGED', align: 'right' }, { header: 'QUARANTINED', align: 'right' },
      { header: 'REFUSED', align: 'right' }, { header: 'PENDING', align: 'right' }, { header: 'LAST SUCCESS' }],
    rows,
  );
}

function failures(report: StatusReport): string {
  const failed = report.partners.filter((p) => p.lastRun?.status === 'failed');
  if (failed.length === 0) return 'Failures: none (no partner\'s last run failed)\n';
  return 'Failures (last run of the partner):\n' + failed.map((p) => {
    const message = (p.lastRun?.errorMessage ?? 'no message recorded').replace(/\s+/g, ' ');
    return `  ${p.partnerId}  ${p.lastRun?.runId ?? ''}  ${p.lastRun?.errorCode ?? 'no code'}  ${message.length > 200 ? `${message.slice(0, 200)}…` : message}`;
  }).join('\n') + '\n  (all of it: werkbrug runs show <run>; what to do: docs/errors.md)\n';
}

function paused(report: StatusReport): string {
  const lines = report.partners.flatMap((p) => {
    if (p.state === 'switched-off') return [`  ${p.partnerId}  switched off in the config (paused: true): never scheduled or synced`];
    if (p.state === 'paused' && p.pause) {
      return [`  ${p.partnerId}  paused by ${p.pause.by} at ${formatInstant(p.pause.at)}${p.pause.reason ? `: ${p.pause.reason}` : ''}; ${p.heldRuns ?? '?'} held run(s) wait for \`werkbrug resume ${p.partnerId}\``];
    }
    return [];
  });
  return lines.length === 0 ? 'Paused: none\n' : `Paused:\n${lines.join('\n')}\n`;
}

function schedules(report: StatusReport): string {
  const rows = report.partners.flatMap((p) => p.schedules.map((s) => [
    p.partnerId, `#${s.index}`, s.cron, s.timezone, s.streams ? s.streams.join(',') : 'all',
    s.nextAt === null ? '-' : `${formatInstant(s.nextAt)}${p.state === 'active' ? '' : p.state === 'paused' ? ' (held: paused)' : ' (switched off)'}`,
  ]));
  if (rows.length === 0) return 'Next slots: no schedules configured (manual syncs only)\n';
  return 'Next slots:\n' + textTable([{ header: 'PARTNER' }, { header: 'SCHEDULE' }, { header: 'CRON' }, { header: 'ZONE' }, { header: 'STREAMS' }, { header: 'NEXT' }], rows, '  ');
}

function queues(report: StatusReport): string {
  if (!report.queues.known) return `Queues: UNKNOWN: ${report.queues.problem ?? 'Redis could not be reached'} (queue depths and held runs are not shown)\n`;
  const row = (name: 'sync' | 'pull' | 'ingest'): string[] => {
    const c = report.queues[name];
    return [name, ...(c ? [c.waiting, c.active, c.delayed, c.failed, c.completed].map(String) : ['?', '?', '?', '?', '?'])];
  };
  return 'Queues:\n' + textTable(
    [{ header: 'QUEUE' }, ...['WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'COMPLETED'].map((header) => ({ header, align: 'right' as const }))],
    [row('sync'), row('pull'), row('ingest')], '  ',
  );
}

function alerts(report: StatusReport): string {
  if (report.alerts.length === 0) return 'Alerts firing: none\n';
  return 'Alerts firing:\n' + report.alerts.map((a) => `  ${a.alertKey}  since ${formatInstant(a.since)}  ${a.summary}`).join('\n') + '\n';
}

export function formatStatus(report: StatusReport): string {
  const head = keyValueLines([
    ['werkbrug status', `${formatInstant(report.generatedAt)} ${displayTimeZone}`],
    ['config', report.configFile],
  ]);
  const verdict = report.ok
    ? 'OK: every active partner\'s last run succeeded (or runs) and none is stale.\n'
    : `NEEDS ATTENTION (${report.attention.length}):\n${report.attention.map((a) => `  ${a.partnerId}: ${a.message}`).join('\n')}\n`;
  return [head, verdict, partnerTable(report), streamTable(report), failures(report), paused(report), schedules(report), queues(report), alerts(report)].join('\n');
}

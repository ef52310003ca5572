import { runBalance } from '../pipeline/run-balance.js';
import type { DemoReport } from './run-demo.js';

/** The demo's printed summary: what an operator reads to know whether the chain worked. */
export function formatDemoSummary(report: DemoReport): string {
  const lines: string[] = [];
  const seconds = report.elapsedMs / 1000;
  let totalRead = 0;
  let syncMs = 0;
  for (const run of report.runs) {
    const balance = runBalance(run.streams);
    const t = balance.totals;
    totalRead += t.read;
    if (run.finishedAt) syncMs = Math.max(syncMs, Date.parse(run.finishedAt) - Date.parse(run.startedAt));
    lines.push(`partner ${run.partnerId}  run ${run.runId}  ${run.status.toUpperCase()}`);
    if (run.errorMessage) lines.push(`  error: ${run.errorMessage}`);
    lines.push(`  pages ${t.pages}, records pulled ${t.read}`);
    lines.push(`  stored ${t.stored} new or changed, ${t.unchanged} unchanged, ${t.stale} stale ignored, ${t.deleted} tombstones (deletions, retractions, trajectories without a start), ${t.absorbed} duplicates absorbed`);
    lines.push(`  consent: permitted ${t.stored + t.unchanged + t.stale}, pending ${t.pending}, refused ${t.refused}`);
    if (t.released + t.lapsed > 0) lines.push(`  waiting records of earlier runs decided now: ${t.released} stored, ${t.lapsed} refused`);
    const reasons = new Map<string, number>();
    for (const item of report.quarantine.filter((q) => q.runId === run.runId)) reasons.set(item.reason, (reasons.get(item.reason) ?? 0) + 1);
    const byReason = [...reasons.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([reason, n]) => `${reason} ${n}`).join(', ');
    lines.push(`  quarantined ${t.quarantined}${byReason ? ` (${byReason})` : ''}`);
    for (const [stream, c] of Object.entries(run.streams).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`    ${stream.padEnd(16)} read ${c.read} = stored ${c.stored} + unchanged ${c.unchanged} + stale ${c.stale} + deleted ${c.deleted} + quarantined ${c.quarantined} + refused ${c.refused} + pending ${c.pending} + absorbed ${c.absorbed}`);
    }
    lines.push(`  balance: ${balance.closes ? 'closes' : `DOES NOT CLOSE: ${balance.problems.join('; ')}`}`);
  }
  const v = report.verification;
  lines.push(v.ok
    ? `consent log: verified, ${v.entries} entries, head #${v.headSeq} cl1:${v.headHash.slice(0, 16)}…`
    : `consent log: VERIFICATION FAILED at entry #${v.firstBadSeq} (${v.problem}): ${v.detail}`);
  const syncSeconds = syncMs / 1000;
  lines.push(`elapsed ${seconds.toFixed(1)} s in all; sync ${syncSeconds.toFixed(1)} s, ${Math.round(totalRead / Math.max(syncSeconds, 0.001))} records/s`);
  lines.push(report.ok ? 'demo: OK' : 'demo: FAILED');
  return lines.join('\n');
}

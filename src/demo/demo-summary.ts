import { runBalance } from '../pipeline/run-balance.js';
import type { DemoReport } from './run-demo.js';

function personTotals(parts: readonly Readonly<Record<string, number>>[]): [string, number][] {
  const totals = new Map<string, number>();
  for (const part of parts) for (const [key, n] of Object.entries(part)) totals.set(key, (totals.get(key) ?? 0) + n);
  return [...totals.entries()];
}

/** The demo's printed summary: what an operator reads to know whether the chain worked. */
export function formatDemoSummary(report: DemoReport): string {
  const lines: string[] = [];
  const seconds = report.elapsedMs / 1000;
  let totalRead = 0;
  let firstStart = Number.POSITIVE_INFINITY;
  let lastFinish = Number.NEGATIVE_INFINITY;
  for (const run of report.runs) {
    const balance = runBalance(run.streams);
    const t = balance.totals;
    totalRead += t.read;
    firstStart = Math.min(firstStart, Date.parse(run.startedAt));
    if (run.finishedAt) lastFinish = Math.max(lastFinish, Date.parse(run.finishedAt));
    const runSeconds = run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : undefined;
    lines.push(`partner ${run.partnerId}  run ${run.runId}  ${run.status.toUpperCase()}${runSeconds === undefined ? '' : `  ${runSeconds.toFixed(1)} s, ${Math.round(t.read / Math.max(runSeconds, 0.001))} records/s`}`);
    if (run.errorMessage) lines.push(`  error: ${run.errorMessage}`);
    lines.push(`  pages ${t.pages}, records pulled ${t.read}`);
    lines.push(`  stored ${t.stored} new or changed, ${t.unchanged} unchanged, ${t.stale} stale ignored, ${t.deleted} tombstones (deletions, retractions, trajectories without a start), ${t.absorbed} duplicates absorbed`);
    lines.push(`  consent: permitted ${t.stored + t.unchanged + t.stale}, pending ${t.pending}, refused ${t.refused}`);
    if (t.released + t.lapsed > 0) lines.push(`  waiting records of earlier runs decided now: ${t.released} stored, ${t.lapsed} refused`);
    if (t.removed > 0) lines.push(`  removed ${t.removed} stored rows the partner's new per-person answers no longer hold`);
    const persons = personTotals(Object.values(run.streams).map((c) => c.personCounts));
    const shown = persons.filter(([, n]) => n > 0);
    // A per-person source counts its persons; other connectors count codes they mapped to OTHER.
    const label = shown.some(([key]) => key === 'asked') ? 'persons' : 'noted';
    if (shown.length > 0) lines.push(`  ${label}: ${shown.map(([key, n]) => `${key} ${n}`).join(', ')}`);
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
  if (report.checkpoint) lines.push(`signed checkpoint: ${report.checkpoint.treeSize} entries, key ${report.checkpoint.keyId}, in ${report.checkpoint.file} (werkbrug consent verify checks it)`);
  const linked = [...report.linkage.entries()].sort(([a], [b]) => a - b).map(([partners, n]) => `${n} with ${partners} partner${partners === 1 ? '' : 's'}`).join(', ');
  if (linked) lines.push(`persons in the store: ${linked} (linked through one pseudonym)`);
  const syncSeconds = Number.isFinite(lastFinish - firstStart) ? (lastFinish - firstStart) / 1000 : 0;
  lines.push(`elapsed ${seconds.toFixed(1)} s in all; sync ${syncSeconds.toFixed(1)} s, ${Math.round(totalRead / Math.max(syncSeconds, 0.001))} records/s`);
  lines.push(report.ok ? 'demo: OK' : 'demo: FAILED');
  return lines.join('\n');
}

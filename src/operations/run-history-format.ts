import { errorCatalog, errorCodes, type ErrorCode } from '../errors/catalog.js';
import { formatDuration, formatInstant } from './display-time.js';
import type { RunDetail, RunEntry, RunsReport } from './run-history.js';
import { keyValueLines, textTable, type Column } from './text-table.js';

/** `werkbrug runs` and `werkbrug runs show` for people: plain aligned text, no colours. */

const listed = ['read', 'stored', 'unchanged', 'quarantined', 'refused', 'pending', 'deleted', 'removed'] as const;
const allCounters = ['read', 'stored', 'unchanged', 'stale', 'deleted', 'quarantined', 'refused', 'pending', 'absorbed', 'pages', 'released', 'lapsed', 'removed'] as const;

const counterColumns = (names: readonly string[]): Column[] => names.map((name) => ({ header: name.toUpperCase(), align: 'right' as const }));

function took(run: RunEntry): string {
  return run.durationSeconds === null ? (run.status === 'running' ? 'running' : '-') : formatDuration(run.durationSeconds * 1000);
}

function status(run: RunEntry): string {
  return run.status === 'failed' ? 'FAILED' : run.status;
}

function personCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts).map(([key, n]) => `${key} ${n}`).join(', ');
}

function oneLine(text: string | null, max: number): string {
  if (text === null) return '';
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function coverage(run: RunEntry): string {
  const parts = [run.onlyStreams ? `streams ${run.onlyStreams.join(',')}` : 'all streams'];
  if (run.scope) {
    const s = run.scope;
    if (s.kind === 'replay') parts.push(`replay of ${String(s.of)}`);
    else if (s.kind === 'window') parts.push(`back-fill ${String(s.backfillId)} window ${Number(s.index) + 1}/${String(s.count)} [${String(s.from)}, ${String(s.to)})`);
    else parts.push('release: from the cursors of the released items');
    parts.push(`scope key ${s.key}`);
  }
  if (run.sourceRunId) parts.push(`re-runs ${run.sourceRunId}`);
  if (run.slot) parts.push(`slot ${run.slot}`);
  return parts.join('; ');
}

export function formatRuns(report: RunsReport): string {
  if (report.runs.length === 0) {
    const filter = [report.filter.partnerId ? `partner ${report.filter.partnerId}` : '', report.filter.failedOnly ? 'failed' : ''].filter(Boolean).join(', ');
    return `No runs${filter ? ` (${filter})` : ''}.\n`;
  }
  const rows = report.runs.flatMap((run) => [
    [run.runId, run.partnerId, run.trigger, formatInstant(run.startedAt), took(run), status(run), 'total',
      ...listed.map((k) => String(run.totals[k])), run.errorCode ? `${run.errorCode} ${oneLine(run.errorMessage, 100)}` : ''],
    ...Object.entries(run.streams).map(([stream, counts]) => ['', '', '', '', '', '', stream, ...listed.map((k) => String(counts[k])), personCounts(counts.personCounts)]),
  ]);
  const columns: Column[] = [{ header: 'RUN' }, { header: 'PARTNER' }, { header: 'TRIGGER' }, { header: 'STARTED' }, { header: 'TOOK', align: 'right' },
    { header: 'STATUS' }, { header: 'STREAM' }, ...counterColumns(listed), { header: 'ERROR / PERSONS' }];
  const more = report.runs.length === report.filter.limit ? `(the newest ${report.filter.limit}; --limit shows more)\n` : '';
  return `${textTable(columns, rows)}${more}`;
}

export function formatRunDetail(detail: RunDetail): string {
  const run = detail.run;
  const code = errorCodes.find((c): c is ErrorCode => c === run.errorCode);
  const head = keyValueLines([
    ['run', run.runId],
    ['partner', run.partnerId],
    ['trigger', run.trigger],
    ['status', status(run)],
    ['started', formatInstant(run.startedAt)],
    ['finished', formatInstant(run.finishedAt)],
    ['took', took(run)],
    ['covers', coverage(run)],
    ...(run.errorCode || run.errorMessage ? [['error', `${run.errorCode ?? 'no code'} ${oneLine(run.errorMessage, 2000)}`] as [string, string]] : []),
    ...(code ? [['what to do', errorCatalog[code].action] as [string, string]] : []),
    ['re-run by', run.rerunBy.length === 0 ? 'none' : run.rerunBy.map((r) => `${r.runId} (${r.trigger}, ${r.status})`).join('; ')],
  ]);
  const streams = Object.entries(run.streams);
  const counts = streams.length === 0
    ? 'Streams: none recorded counts.\n'
    : `Streams:\n${textTable([{ header: 'STREAM' }, ...counterColumns(allCounters)], streams.map(([stream, c]) => [stream, ...allCounters.map((k) => String(c[k]))]), '  ')}`;
  const persons = streams.filter(([, c]) => Object.keys(c.personCounts).length > 0)
    .map(([stream, c]) => `  ${stream}: ${personCounts(c.personCounts)}`);
  const ranges = Object.entries(run.cursorRanges);
  const cursor = (value: Readonly<Record<string, unknown>> | null, none: string): string => (value === null ? none : JSON.stringify(value));
  return [
    head,
    counts,
    persons.length > 0 ? `Persons (per-person sources):\n${persons.join('\n')}\n` : '',
    ranges.length === 0
      ? 'Cursor ranges: none recorded.\n'
      : `Cursor ranges:\n${textTable([{ header: 'STREAM' }, { header: 'FROM' }, { header: 'TO' }], ranges.map(([stream, r]) => [stream, cursor(r.from, '(the beginning)'), cursor(r.to, '(no page stored)')]), '  ')}`,
  ].filter((part) => part !== '').join('\n');
}

import { errorCatalog } from '../errors/catalog.js';
import { formatInstant } from './display-time.js';
import type { QuarantineItemReport, QuarantineList } from './quarantine-report.js';
import { keyValueLines, textTable } from './text-table.js';

/** `werkbrug quarantine list` and `quarantine show` for people: counts first, then the items. */

export function formatQuarantineList(list: QuarantineList): string {
  const which = list.filter.all ? 'quarantined (open and released)' : 'open quarantine';
  if (list.total === 0) return `No ${which}${list.filter.partnerId ? ` for ${list.filter.partnerId}` : ''}${list.filter.reason ? ` with reason ${list.filter.reason}` : ''}.\n`;
  const counts = textTable(
    [{ header: 'PARTNER' }, { header: 'REASON' }, { header: 'ITEMS', align: 'right' }, { header: 'OPEN', align: 'right' }, { header: 'OCCURRENCES', align: 'right' }],
    list.counts.map((c) => [c.partnerId, c.reason, String(c.items), String(c.open), String(c.occurrences)]),
  );
  const items = textTable(
    // The reference starts with the partner id, so no partner column.
    [{ header: 'REFERENCE' }, { header: 'STREAM' }, { header: 'STAGE' }, { header: 'FIELD' }, { header: 'REASON' },
      { header: 'EXPECTED' }, { header: 'SEEN', align: 'right' }, { header: 'FIRST SEEN' }, { header: 'LAST SEEN' }, { header: 'RELEASED' }],
    list.items.map((i) => [
      i.sourceRef, i.stream, i.stage, i.field, i.reason, i.expected, String(i.occurrences),
      formatInstant(i.firstSeenAt), formatInstant(i.lastSeenAt), i.released ? `yes ${formatInstant(i.releasedAt)}` : 'no',
    ]),
  );
  const shown = list.items.length < list.total ? `(${list.items.length} of ${list.total} items, last seen first; --limit shows more)\n` : '';
  return `${which}: ${list.total} item(s)\n\n${counts}\n${items}${shown}`
    + 'One item in full: werkbrug quarantine show <partner> <reference>. After the partner or the connector is fixed, release re-pulls the items.\n';
}

export function formatQuarantineItem(report: QuarantineItemReport): string {
  const head = keyValueLines([['partner', report.partnerId], ['reference', report.sourceRef]]);
  const items = report.items.map((i, n) => `  #${n + 1}\n` + keyValueLines([
    ['stream', i.stream],
    ['stage', i.stage],
    ['field', i.field],
    ['reason', i.reason],
    ['expected', i.expected],
    ['occurrences', String(i.occurrences)],
    ['first seen', `${formatInstant(i.firstSeenAt)} in run ${i.firstRunId}`],
    ['last seen', `${formatInstant(i.lastSeenAt)} in run ${i.lastRunId}, batch ${i.batchId}`],
    ['released', i.released ? `${formatInstant(i.releasedAt)} for run ${i.releaseRunId ?? '-'}` : i.releaseRunId ? `no (quarantined again after release run ${i.releaseRunId})` : 'no'],
  ], '    ')).join('');
  const runs = report.runs.length === 0 ? 'Runs: none stored.\n' : `Runs:\n${textTable(
    [{ header: 'RUN' }, { header: 'ROLE' }, { header: 'TRIGGER' }, { header: 'STARTED' }, { header: 'STATUS' }],
    report.runs.map((r) => [r.runId, r.role.join(','), r.trigger, formatInstant(r.startedAt), r.status === 'failed' ? 'FAILED' : r.status]), '  ',
  )}`;
  return [head, `Quarantined for (${report.items.length}):\n${items}`, runs, `What to do: ${errorCatalog.WB_RECORD_UNMAPPABLE.action} No value of the record is stored; look it up at the partner by its reference.\n`].join('\n');
}

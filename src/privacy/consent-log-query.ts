import type { ConsentLogContent, ConsentLogEntry, ConsentLogQuery, Store } from '../store/store.js';

/**
 * `werkbrug consent log`: every decision, refusal, pending record and erasure of a period, as a
 * table to read, CSV for a spreadsheet or JSON for a script. The log is read a page at a time and
 * each page is written before the next is read, so a year of a large region streams in bounded
 * memory. Entries hold pseudonyms, codes and references only; `cl1:` is the entry's hash, which
 * `consent verify` and `consent prove` speak about.
 */
export const consentLogFormats = ['table', 'csv', 'json'] as const;
export type ConsentLogFormat = (typeof consentLogFormats)[number];
export const consentLogOutcomes = ['permit', 'refuse', 'pending', 'erase'] as const;

/** One entry as the privacy officer sees it. */
export interface ConsentLogRow {
  readonly seq: number;
  readonly at: string;
  readonly kind: ConsentLogContent['kind'];
  readonly partnerId: string;
  readonly person: string | null;
  readonly recordRef: string | null;
  readonly outcome: ConsentLogContent['outcome'];
  readonly purposes: ConsentLogContent['purposes'];
  readonly runId: string | null;
  readonly batchId: string | null;
  readonly detail?: Readonly<Record<string, string | number>>;
  /** `cl1:` + the entry's hash. */
  readonly hash: string;
}

export function toRow(entry: ConsentLogEntry): ConsentLogRow {
  const c = entry.content;
  return {
    seq: entry.seq, at: c.at, kind: c.kind, partnerId: c.partnerId, person: c.person, recordRef: c.recordRef, outcome: c.outcome,
    purposes: c.purposes, runId: c.runId, batchId: c.batchId, ...(c.detail === undefined ? {} : { detail: c.detail }), hash: `cl1:${entry.hash}`,
  };
}

/** `P_MONITOR_REGIO=permit(CR04-permit); P_WETENSCHAP=refuse(CR11-other-purpose)` */
export function purposesText(purposes: ConsentLogContent['purposes']): string {
  return purposes.map((p) => `${p.purpose}=${p.outcome}(${p.rule})`).join('; ');
}

/** Keys sorted: the store's jsonb keeps its own key order, which is not the order written. */
function detailText(detail: ConsentLogRow['detail']): string {
  return Object.entries(detail ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => `${key}=${String(value)}`).join('; ');
}

const csvColumns = ['seq', 'at', 'kind', 'partner', 'person', 'record_ref', 'outcome', 'purposes', 'detail', 'hash'] as const;

/** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
export function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(row: ConsentLogRow): string {
  return `${[row.seq, row.at, row.kind, row.partnerId, row.person, row.recordRef, row.outcome, purposesText(row.purposes), detailText(row.detail), row.hash].map(csvCell).join(',')}\r\n`;
}

// Fixed widths, so pages written one after another line up without knowing what comes later.
const tableColumns: readonly [string, number][] = [['seq', 7], ['at', 24], ['kind', 18], ['partner', 14], ['outcome', 7], ['person', 60], ['record', 40]];

function tableLine(values: readonly string[]): string {
  return `${values.map((value, i) => value.padEnd(tableColumns[i]?.[1] ?? 0)).join('  ').trimEnd()}\n`;
}

function tableRow(row: ConsentLogRow): string {
  const head = tableLine([String(row.seq), row.at, row.kind, row.partnerId, row.outcome, row.person ?? '-', row.recordRef ?? '-']);
  const purposes = row.purposes.map((p) => `        ${p.purpose}: ${p.outcome} by ${p.rule}${p.consentRef === undefined ? '' : ` (consent ${p.consentRef})`}${p.reason === undefined ? '' : `, ${p.reason}`}\n`);
  const detail = row.detail === undefined ? [] : [`        detail: ${detailText(row.detail)}\n`];
  return [head, ...purposes, ...detail, `        ${row.hash}\n`].join('');
}

/** Writes header, rows and footer of one format; `write` may wait for the output to drain. */
export interface ConsentLogWriter {
  header(): string;
  row(row: ConsentLogRow, index: number): string;
  footer(count: number): string;
}

export function consentLogWriter(format: ConsentLogFormat): ConsentLogWriter {
  switch (format) {
    case 'csv':
      return { header: () => `${csvColumns.join(',')}\r\n`, row: csvLine, footer: () => '' };
    case 'json':
      return {
        header: () => '[',
        row: (row, index) => `${index === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`,
        footer: (count) => (count === 0 ? ']\n' : '\n]\n'),
      };
    case 'table':
      return {
        header: () => tableLine(tableColumns.map(([name]) => name)),
        row: tableRow,
        footer: (count) => `${count} ${count === 1 ? 'entry' : 'entries'}\n`,
      };
  }
}

/**
 * Streams the entries of `query` through `write`, `pageSize` at a time, and returns how many were
 * written. Keyset paging on seq: a page starts after the last seq of the one before.
 */
export async function writeConsentLog(
  store: Store,
  query: Omit<ConsentLogQuery, 'afterSeq' | 'limit'>,
  format: ConsentLogFormat,
  write: (chunk: string) => void | Promise<void>,
  pageSize = 1000,
): Promise<number> {
  const writer = consentLogWriter(format);
  await write(writer.header());
  let count = 0;
  let afterSeq = 0;
  for (;;) {
    const page = await store.queryConsentLog({ ...query, afterSeq, limit: pageSize });
    if (page.length > 0) await write(page.map((entry, i) => writer.row(toRow(entry), count + i)).join(''));
    count += page.length;
    const last = page[page.length - 1];
    if (last === undefined || page.length < pageSize) break;
    afterSeq = last.seq;
  }
  await write(writer.footer(count));
  return count;
}

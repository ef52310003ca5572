import type { AccessLogEntry, AccessLogFilter, Store } from '../store/store.js';
import { accessLogRef } from '../privacy/access-log.js';
import { csvCell, type ConsentLogFormat } from '../privacy/consent-log-query.js';

/**
 * `privacy access-log list` output: one line per access, in table, CSV or JSON, streamed a page
 * at a time like `consent log`.
 */
const columns = ['seq', 'at', 'event', 'person', 'user', 'on_behalf_of', 'authorisation', 'detail', 'hash'] as const;

function detailText(entry: AccessLogEntry): string {
  return Object.entries(entry.content.detail ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => `${key}=${String(value)}`).join('; ');
}

function cells(entry: AccessLogEntry): (string | number | null)[] {
  const c = entry.content;
  return [entry.seq, c.at, c.event, c.person, c.user, c.onBehalfOf, c.authorisation, detailText(entry), accessLogRef(entry)];
}

function line(format: ConsentLogFormat, entry: AccessLogEntry, index: number): string {
  if (format === 'csv') return `${cells(entry).map(csvCell).join(',')}\r\n`;
  if (format === 'json') return `${index === 0 ? '\n' : ',\n'}${JSON.stringify({ seq: entry.seq, ...entry.content, hash: accessLogRef(entry) })}`;
  const c = entry.content;
  return `${String(entry.seq).padEnd(7)}  ${c.at.padEnd(24)}  ${c.event.padEnd(18)}  ${(c.person ?? '-').padEnd(60)}  ${c.user}`
    + `${c.onBehalfOf === null ? '' : ` for ${c.onBehalfOf}`}${c.authorisation === null ? '' : ` under ${c.authorisation}`}\n`
    + `${entry.content.detail === undefined ? '' : `         ${detailText(entry)}\n`}`;
}

export async function writeAccessLogList(
  store: Store,
  filter: Omit<AccessLogFilter, 'afterSeq' | 'limit'>,
  format: ConsentLogFormat,
  write: (chunk: string) => void | Promise<void>,
  pageSize = 1000,
): Promise<number> {
  await write(format === 'csv' ? `${columns.join(',')}\r\n` : format === 'json' ? '[' : `${'seq'.padEnd(7)}  ${'at'.padEnd(24)}  ${'event'.padEnd(18)}  ${'person'.padEnd(60)}  user\n`);
  let count = 0;
  let afterSeq = 0;
  for (;;) {
    const page = await store.readAccessLog({ ...filter, afterSeq, limit: pageSize });
    if (page.length > 0) await write(page.map((entry, i) => line(format, entry, count + i)).join(''));
    count += page.length;
    const last = page[page.length - 1];
    if (last === undefined || page.length < pageSize) break;
    afterSeq = last.seq;
  }
  await write(format === 'json' ? (count === 0 ? ']\n' : '\n]\n') : format === 'table' ? `${count} ${count === 1 ? 'access' : 'accesses'}\n` : '');
  return count;
}

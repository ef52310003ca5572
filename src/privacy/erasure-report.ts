import type { ListedErasureReceipt } from '../store/store.js';
import type { PurgeResult } from './retention-purge.js';

/**
 * How erasure receipts and a retention purge read for a privacy officer: a table, CSV for a
 * spreadsheet, or JSON for a script. Pseudonyms, codes, counts and references only — the same as
 * the receipts hold.
 */
export const erasureFormats = ['table', 'csv', 'json'] as const;
export type ErasureFormat = (typeof erasureFormats)[number];

const columns = ['erased_at', 'person', 'purpose', 'withdrawal_rule', 'rows_updated', 'rows_deleted', 'history_updated', 'history_deleted', 'pending_deleted', 'consent_ref', 'log_entry', 'matches_log'] as const;

function cells(receipt: ListedErasureReceipt): readonly string[] {
  return [
    receipt.at, receipt.person, receipt.purpose, receipt.withdrawalRule, String(receipt.rowsUpdated), String(receipt.rowsDeleted),
    String(receipt.historyRowsUpdated), String(receipt.historyRowsDeleted), String(receipt.pendingDeleted), receipt.consentRef ?? '',
    `#${receipt.logSeq} cl1:${receipt.logHash}`, receipt.matchesLog ? 'yes' : 'NO',
  ];
}

// RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes.
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export function formatErasureReceipts(receipts: readonly ListedErasureReceipt[], format: ErasureFormat): string {
  if (format === 'json') {
    return `${JSON.stringify(receipts.map(({ matchesLog, logHash, ...rest }) => ({ ...rest, logEntry: `cl1:${logHash}`, matchesLog })), null, 2)}\n`;
  }
  const rows = receipts.map(cells);
  if (format === 'csv') return [columns, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
  if (rows.length === 0) return 'no erasures in this period\n';
  const widths = columns.map((column, i) => Math.max(column.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]): string => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(columns), ...rows.map(line), `${receipts.length} erasure receipt(s)`, ''].join('\n');
}

export function formatPurge(result: PurgeResult): string {
  const lines = result.purposes.map((p) =>
    `${p.purpose.padEnd(24)} reference date up to ${p.cutoff}: ${p.persons} person(s), ${p.rowsDeleted} row(s) deleted, ${p.rowsUpdated} updated, `
    + `${p.historyRowsDeleted} history row(s) deleted, ${p.historyRowsUpdated} updated${p.logSeqs.length > 0 ? `; consent log #${p.logSeqs.join(', #')}` : ''}`);
  return [...lines, result.dryRun ? 'dry run: nothing was changed and nothing was logged' : 'retention purge done', ''].join('\n');
}

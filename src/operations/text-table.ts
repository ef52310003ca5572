/**
 * Aligned plain-text columns for the operations commands: no colours and no box drawing, so the
 * output reads the same in a terminal, a log file, a mail and `grep`.
 */
export interface Column {
  readonly header: string;
  /** Numbers read best right-aligned. */
  readonly align?: 'left' | 'right';
}

/** Rows shorter than the header get empty cells; trailing spaces are trimmed. */
export function textTable(columns: readonly Column[], rows: readonly (readonly string[])[], indent = ''): string {
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => indent + columns.map((column, i) => {
    const cell = cells[i] ?? '';
    const width = widths[i] ?? 0;
    return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
  }).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n';
}

/** `label: value` lines with the values aligned. */
export function keyValueLines(pairs: readonly (readonly [string, string])[], indent = ''): string {
  const width = Math.max(0, ...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${indent}${`${key}:`.padEnd(width + 1)} ${value}`.trimEnd()).join('\n') + '\n';
}

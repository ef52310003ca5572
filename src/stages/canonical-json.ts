import { createHash } from 'node:crypto';

/**
 * Canonical JSON: keys sorted by code point, no insignificant whitespace, UTF-8; `undefined`
 * members left out. Used for content hashes and the consent-log chain, so two processes that hold
 * the same value always hash the same bytes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `sha256:` + hex SHA-256 of the record without `lineage` (`trajectory-format.md` §4). */
export function contentHash(record: Record<string, unknown>): string {
  const { lineage: _lineage, ...rest } = record;
  return `sha256:${sha256Hex(canonicalJson(rest))}`;
}

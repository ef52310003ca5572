import { createHash } from 'node:crypto';

/**
 * Canonical JSON: keys sorted by code point, no insignificant whitespace, UTF-8; `undefined`
 * members left out. Used for content hashes and the consent-log chain, so two processes that hold
 * the same value always hash the same bytes.
 *
 * It runs once or more per record on the hot path, so it builds one string with plain loops
 * instead of arrays of entries, filters, maps and joins per object. `Object.keys(...).sort()`
 * compares UTF-16 code units, the same order as the `<` comparison it replaces.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return canonicalArray(value);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${quotedKey(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

// Records and resources use the same few dozen member names over and over; quoting each once saves
// a third of the time. The cache is bounded, so keys from untrusted input cannot grow it without end.
const quotedKeys = new Map<string, string>();
const maxQuotedKeys = 2_000;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < maxQuotedKeys) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function canonicalArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i += 1) {
    if (i > 0) out += ',';
    const item = items[i];
    // `undefined` is `null` as in JSON.stringify; a hole in a sparse array stays empty, as `map` + `join` left it.
    if (item === undefined) out += i in items ? 'null' : '';
    else out += canonicalJson(item);
  }
  return `${out}]`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `sha256:` + hex SHA-256 of the record without `lineage` (`trajectory-format.md` §4). */
export function contentHash(record: Record<string, unknown>): string {
  const { lineage: _lineage, ...rest } = record;
  return `sha256:${sha256Hex(canonicalJson(rest))}`;
}

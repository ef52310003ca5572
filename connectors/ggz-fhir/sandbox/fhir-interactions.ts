import { randomUUID } from 'node:crypto';
import type { PreparedResponse } from '../../../src/sandbox/index.js';
import { historyPage, searchsetPage, type Page } from './bundles.js';
import { parseDateRange } from './fhir-dates.js';
import { fhirAnswer, outcomeAnswer } from './fhir-json.js';
import type { GgzState } from './ggz-state.js';
import type { FrozenResult } from './paging.js';
import { newestFirst, type StoredVersion } from './resource-store.js';
import { DEFAULT_COUNT, parseCount, parseSearch } from './search-params.js';

/**
 * The FHIR interactions of `partners/ggz-fhir-r4.md` §1: read and vread (ETag, Last-Modified,
 * 404/410), type search (page 1 of a frozen result), the pages behind `next` links, and type and
 * instance `_history`.
 */
function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function versionHeaders(version: StoredVersion): Record<string, string> {
  return { ETag: `W/"${version.versionId}"`, 'Last-Modified': httpDate(version.lastUpdatedMs) };
}

function answerVersion(state: GgzState, version: StoredVersion): PreparedResponse {
  if (version.deleted) return outcomeAnswer(410, 'deleted', `${version.type}/${version.id} was deleted`, versionHeaders(version));
  return fhirAnswer(200, version.body(state.pageContext()), versionHeaders(version), version.serving?.bom === true);
}

export function read(state: GgzState, type: string, id: string): PreparedResponse {
  const version = state.store.latest(type, id);
  return version ? answerVersion(state, version) : outcomeAnswer(404, 'not-found', `${type}/${id} is not known`);
}

export function vread(state: GgzState, type: string, id: string, versionId: string): PreparedResponse {
  const versions = state.store.versions(type, id);
  if (versions.length === 0) return outcomeAnswer(404, 'not-found', `${type}/${id} is not known`);
  const version = versions.find((candidate) => candidate.versionId === versionId);
  // Generated resources keep only their current version, as an EPD that prunes history would.
  return version ? answerVersion(state, version) : outcomeAnswer(404, 'not-found', `${type}/${id} has no retained version ${versionId}`);
}

function pageAnswer(page: Page): PreparedResponse {
  return fhirAnswer(200, page.body, {}, page.bom);
}

function selfUrl(state: GgzState, base: string, path: string, applied: ReadonlyArray<readonly [string, string]>): string {
  const query = applied.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
  return `${state.origin}${base}${path}${query ? `?${query}` : ''}`;
}

/** Frozen only when there is a page 2: one-page answers (point lookups) never evict a pull's set. */
function resultSet(state: GgzState, result: Omit<FrozenResult, 'id' | 'expiresMs'>, pageSize: number): FrozenResult {
  if (result.versions.length > pageSize && pageSize > 0) return state.paging.freeze(result);
  return { ...result, id: randomUUID(), expiresMs: Number.POSITIVE_INFINITY };
}

export function search(state: GgzState, base: string, type: string, params: URLSearchParams, strict: boolean): PreparedResponse {
  const parsed = parseSearch(type, params, strict, state.store);
  if (!parsed.ok) return outcomeAnswer(400, parsed.code, parsed.diagnostics);
  const { search: query } = parsed;
  const matches = state.store.list(type).filter((version) => query.filters.every((filter) => filter(version)));
  if (query.descending) matches.sort((a, b) => b.lastUpdatedMs - a.lastUpdatedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const pageSize = state.pagingOptions.pageSize ?? query.count;
  const frozen = resultSet(state, { kind: 'searchset', base, type, versions: matches, includes: query.includes, total: query.total, ...(query.elements ? { elements: query.elements } : {}) }, pageSize);
  return pageAnswer(searchsetPage(frozen, 0, pageSize, selfUrl(state, base, `/${type}`, query.applied), state.pageContext()));
}

export function history(state: GgzState, base: string, type: string, id: string | undefined, params: URLSearchParams, strict: boolean): PreparedResponse {
  let since = Number.NEGATIVE_INFINITY;
  let count = DEFAULT_COUNT;
  const applied: Array<readonly [string, string]> = [];
  for (const [name, value] of params) {
    if (name === '_since') {
      const range = parseDateRange(value);
      if (!range) return outcomeAnswer(400, 'invalid', '_since: expected an instant, e.g. 2025-06-01T22:00:00Z');
      since = range[0];
    } else if (name === '_count') {
      const parsed = parseCount(value);
      if (parsed === undefined) return outcomeAnswer(400, 'invalid', '_count: expected a non-negative integer');
      count = parsed;
    } else if (name !== '_format' && name !== '_pretty') {
      if (strict) return outcomeAnswer(400, 'not-supported', `Unknown or unsupported parameter "${name}" for _history (Prefer: handling=strict)`);
      continue;
    }
    applied.push([name, value]);
  }
  const all = id === undefined ? state.store.historyOf(type) : state.store.versions(type, id).sort(newestFirst);
  if (id !== undefined && all.length === 0) return outcomeAnswer(404, 'not-found', `${type}/${id} is not known`);
  const versions = all.filter((version) => version.lastUpdatedMs >= since);
  const pageSize = state.pagingOptions.pageSize ?? count;
  const frozen = resultSet(state, { kind: 'history', base, type, versions, includes: [], total: false }, pageSize);
  const path = id === undefined ? `/${type}/_history` : `/${type}/${id}/_history`;
  return pageAnswer(historyPage(frozen, 0, pageSize, selfUrl(state, base, path, applied), state.pageContext()));
}

/** `GET {base}?_getpages=…`: a later page of a frozen result; 410 once it expired (or a fault said so). */
export function nextPage(state: GgzState, base: string, url: URL, expire: boolean): PreparedResponse {
  const id = url.searchParams.get('_getpages') ?? '';
  const offset = Number(url.searchParams.get('_getpagesoffset') ?? '0');
  const count = parseCount(url.searchParams.get('_count'));
  if (!Number.isInteger(offset) || offset < 0 || count === undefined) return outcomeAnswer(400, 'invalid', '_getpagesoffset and _count must be non-negative integers');
  if (expire) state.paging.drop(id);
  const frozen = state.paging.get(id);
  if (!frozen || frozen.base !== base) return outcomeAnswer(410, 'expired', 'This paged result has expired; repeat the search');
  const pageSize = state.pagingOptions.pageSize ?? count;
  const self = `${state.origin}${url.pathname}${url.search}`;
  const build = frozen.kind === 'history' ? historyPage : searchsetPage;
  return pageAnswer(build(frozen, offset, pageSize, self, state.pageContext()));
}

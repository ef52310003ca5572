import type { SourcePage } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { fetchBundle, nextLinkOf, pagingExpired, queryString } from './bundle-pages.js';
import type { GgzFhirConfig } from './config-schema.js';
import type { GgzCursor } from './cursor.js';
import { pathOf } from './fhir-response.js';
import { deletionsStream, searchStreams, type DeletionItem, type GgzItem, type GgzStream } from './item.js';
import { parseInstant, queryInstant, utcInstant } from './mapping/dates.js';
import type { BundleEntry } from './source-schema.js';
import { pastBound } from './window.js';

/**
 * The `deletions` stream (spec §4.3): type-level `_history?_since=` of ServiceRequest, EpisodeOfCare
 * and Consent. History comes newest first, so no page is a prefix: the cursor moves only with the
 * very last page, to the newest `response.lastModified` seen, and the next pull asks from there
 * minus the overlap. Every `DELETE` entry becomes a tombstone item; replaying one is harmless.
 *
 * `_history` has only `_since`, so a bounded pull (`bound`, epoch ms) asks the same and leaves out
 * every entry whose `response.lastModified` is after the bound: no tombstone of it, and its time
 * does not move the cursor, which therefore never passes the bound. An entry without
 * `lastModified` cannot be placed in time and is kept (a repeated tombstone is harmless).
 */
const historyTarget = /(?:^|\/)(ServiceRequest|EpisodeOfCare|Consent)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?(?:[?#].*)?$/;
const etagVersion = /^(?:W\/)?"([A-Za-z0-9\-.]{1,64})"$/;

function deletionOf(entry: BundleEntry, type: GgzStream): DeletionItem | undefined {
  if (entry.request?.method?.toUpperCase() !== 'DELETE') return undefined;
  const match = historyTarget.exec(entry.request.url) ?? historyTarget.exec(entry.fullUrl ?? '');
  if (!match || match[1] !== type || match[2] === undefined) return undefined;
  const versionId = etagVersion.exec(entry.response?.etag ?? '')?.[1];
  const lastModified = entry.response?.lastModified;
  return { kind: 'deletion', resourceType: type, id: match[2], ...(versionId !== undefined ? { versionId } : {}), ...(lastModified !== undefined ? { lastModified } : {}) };
}

export async function* pullDeletions(config: GgzFhirConfig, from: GgzCursor | undefined, http: PartnerHttp, bound?: number): AsyncGenerator<SourcePage<GgzItem>> {
  const fromMs = from?.lastUpdated !== undefined ? parseInstant(from.lastUpdated) : undefined;
  const sinceMs = fromMs !== undefined ? fromMs - config.overlapSeconds * 1000 : config.backfillFrom !== undefined ? parseInstant(config.backfillFrom) : undefined;
  const unchanged: GgzCursor = { ...(from?.lastUpdated !== undefined ? { lastUpdated: from.lastUpdated } : {}), recent: [] };
  if (bound === Number.NEGATIVE_INFINITY) {
    yield { stream: deletionsStream, items: [], cursor: unchanged, last: true, read: 0, absorbed: 0 };
    return;
  }
  let restarted = false;
  restart: for (;;) {
    let newest = fromMs;
    for (const [t, type] of searchStreams.entries()) {
      const base = type === 'Consent' ? (config.consentBaseUrl ?? config.baseUrl) : config.baseUrl;
      const params: Array<readonly [string, string]> = sinceMs !== undefined ? [['_since', queryInstant(sinceMs)]] : [];
      let url = `${base}/${type}/_history?${queryString([...params, ['_count', String(config.pageSize)]])}`;
      let isNext = false;
      for (;;) {
        const bundle = await fetchBundle(http, url, 'history', isNext);
        if (bundle === 'expired') {
          if (restarted) throw pagingExpired(pathOf(url));
          restarted = true;
          continue restart;
        }
        const items: DeletionItem[] = [];
        for (const entry of bundle.entry ?? []) {
          if (pastBound(entry.response?.lastModified, bound)) continue;
          const modified = entry.response?.lastModified !== undefined ? parseInstant(entry.response.lastModified) : undefined;
          if (modified !== undefined && (newest === undefined || modified > newest)) newest = modified;
          const deletion = deletionOf(entry, type);
          if (deletion) items.push(deletion);
        }
        const next = nextLinkOf(bundle, base);
        const last = next === undefined && t === searchStreams.length - 1;
        if (items.length > 0 || last) {
          const cursor: GgzCursor = last && newest !== undefined ? { lastUpdated: utcInstant(newest), recent: [] } : unchanged;
          yield { stream: deletionsStream, items, cursor, last, read: items.length, absorbed: 0 };
        }
        if (next === undefined) break;
        url = next;
        isNext = true;
      }
    }
    return;
  }
}

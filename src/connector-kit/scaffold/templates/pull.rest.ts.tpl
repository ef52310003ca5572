import { z } from 'zod';
import type { CheckResult, Cursor, SourcePage } from '@werkbrug/connector/connector.js';
import type { PartnerHttp, PartnerResponse } from '@werkbrug/connector/partner-http.js';
import { WerkbrugError } from '@werkbrug/errors/werkbrug-error.js';
import type { __Name__Config } from './config-schema.js';
import { CursorTracker, parseCursor } from './cursor.js';
import type { PlacementItem } from './source-schema.js';

/**
 * The partner's REST API: `GET {baseUrl}/placements?updatedSince=…&limit=…` answers JSON pages
 * `{ "items": [...], "next": "<token>" | null }`; the next page is `?pageToken=<token>&limit=…`.
 * The core's partner HTTP retries what `classify` calls transient (5xx, 429 with Retry-After, a
 * body that is not a page) with back-off; 401/403 stop the stream. Errors name the path, never
 * the query or the body.
 */
type Classified = WerkbrugError & { retryAfterSeconds?: number };

const pageSchema = z.object({ items: z.array(z.unknown()), next: z.string().min(1).max(2_000).nullable().optional() });
type Page = z.infer<typeof pageSchema>;

function failure(code: 'WB_PARTNER_UNREACHABLE' | 'WB_PARTNER_AUTH' | 'WB_PARTNER_REQUEST_REJECTED' | 'WB_PARTNER_RESPONSE_INVALID', detail: string, retryAfter?: string): Classified {
  const error: Classified = new WerkbrugError(code, { detail });
  if (retryAfter !== undefined && /^[0-9]+$/.test(retryAfter.trim())) error.retryAfterSeconds = Number(retryAfter.trim());
  return error;
}

function parsePage(response: PartnerResponse): Page | undefined {
  try {
    const parsed = pageSchema.safeParse(JSON.parse(response.body.toString('utf8').replace(/^\uFEFF/, '')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // JSON.parse quotes its input in its message: never passed on.
    return undefined;
  }
}

function classify(response: PartnerResponse): Classified | undefined {
  const path = new URL(response.url).pathname;
  if (response.status === 401 || response.status === 403) return failure('WB_PARTNER_AUTH', `GET ${path} answered ${response.status}`);
  if (response.status === 429 || response.status >= 500) return failure('WB_PARTNER_UNREACHABLE', `GET ${path} answered ${response.status}`, response.headers['retry-after']);
  if (response.status !== 200) return failure('WB_PARTNER_REQUEST_REJECTED', `GET ${path} answered ${response.status}`);
  return parsePage(response) === undefined ? failure('WB_PARTNER_RESPONSE_INVALID', `GET ${path}: the body is not a page of placements`) : undefined;
}

async function getPage(http: PartnerHttp, url: string): Promise<Page> {
  const response = await http.request({ url, headers: { Accept: 'application/json' }, classify });
  const page = parsePage(response);
  if (page === undefined) throw failure('WB_PARTNER_RESPONSE_INVALID', 'the body is not a page of placements');
  return page;
}

function pageUrl(config: __Name__Config, params: Record<string, string>): string {
  return `${config.baseUrl}/placements?${new URLSearchParams({ ...params, limit: String(config.pageSize) }).toString()}`;
}

export async function* pullPlacements(config: __Name__Config, stream: string, from: Cursor | undefined, http: PartnerHttp): AsyncGenerator<SourcePage<PlacementItem>> {
  if (stream !== 'placements') throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'stream', expected: 'placements', got: stream });
  const tracker = new CursorTracker(parseCursor(from));
  const since = tracker.since();
  let url = pageUrl(config, since === undefined ? {} : { updatedSince: since });
  for (;;) {
    const page = await getPage(http, url);
    const items = page.items.filter((record) => tracker.admit(record)).map((record) => ({ record }));
    const next = page.next ?? undefined;
    yield { stream, items, cursor: tracker.cursor(), last: next === undefined, read: page.items.length, absorbed: page.items.length - items.length };
    if (next === undefined) return;
    url = pageUrl(config, { pageToken: next });
  }
}

/** Reachability and credentials: one page of one record. Never throws for a partner fault. */
export async function checkPartner(config: __Name__Config, http: PartnerHttp): Promise<CheckResult> {
  try {
    await getPage(http, `${config.baseUrl}/placements?limit=1`);
    return { ok: true, detail: `GET ${config.baseUrl}/placements answered a page` };
  } catch (error) {
    if (!(error instanceof WerkbrugError)) throw error;
    const code = error.code === 'WB_PARTNER_AUTH' ? 'WB_PARTNER_AUTH' : error.code === 'WB_PARTNER_REQUEST_REJECTED' ? 'WB_PARTNER_REQUEST_REJECTED' : 'WB_PARTNER_UNREACHABLE';
    return { ok: false, code, detail: error.message };
  }
}

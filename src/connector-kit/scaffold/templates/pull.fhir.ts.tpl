import { z } from 'zod';
import type { CheckResult, Cursor, SourcePage } from '@werkbrug/connector/connector.js';
import type { PartnerHttp, PartnerResponse } from '@werkbrug/connector/partner-http.js';
import { WerkbrugError } from '@werkbrug/errors/werkbrug-error.js';
import type { __Name__Config } from './config-schema.js';
import { CursorTracker, parseCursor } from './cursor.js';
import type { PlacementItem } from './source-schema.js';

/**
 * The partner's FHIR R4 API: `GET {baseUrl}/Basic?_lastUpdated=ge…&_sort=_lastUpdated&_count=…`
 * answers a searchset Bundle; pages follow `link[relation=next]` verbatim, on the base's origin
 * only. Each match is a `Basic` resource whose `meta.versionId` and `meta.lastUpdated` are the
 * version and `updatedAt` of a placement. The core's partner HTTP retries what `classify` calls
 * transient (5xx, 429 with Retry-After, a body that is not a Bundle); 401/403 stop the stream.
 */
type Classified = WerkbrugError & { retryAfterSeconds?: number };

const bundleSchema = z.object({
  resourceType: z.literal('Bundle'),
  link: z.array(z.object({ relation: z.string(), url: z.string() })).optional(),
  entry: z.array(z.object({ resource: z.looseObject({ resourceType: z.string() }).optional(), search: z.object({ mode: z.string().optional() }).optional() })).optional(),
});
type Bundle = z.infer<typeof bundleSchema>;

function failure(code: 'WB_PARTNER_UNREACHABLE' | 'WB_PARTNER_AUTH' | 'WB_PARTNER_REQUEST_REJECTED' | 'WB_PARTNER_RESPONSE_INVALID' | 'WB_PARTNER_CONFIG_REJECTED', detail: string, retryAfter?: string): Classified {
  const error: Classified = new WerkbrugError(code, { detail });
  if (retryAfter !== undefined && /^[0-9]+$/.test(retryAfter.trim())) error.retryAfterSeconds = Number(retryAfter.trim());
  return error;
}

function json(response: PartnerResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
  } catch {
    // JSON.parse quotes its input in its message: never passed on.
    return undefined;
  }
}

function classifyAs(shape: z.ZodType<unknown>): (response: PartnerResponse) => Classified | undefined {
  return (response) => {
    const path = new URL(response.url).pathname;
    if (response.status === 401 || response.status === 403) return failure('WB_PARTNER_AUTH', `GET ${path} answered ${response.status}`);
    if (response.status === 429 || response.status >= 500) return failure('WB_PARTNER_UNREACHABLE', `GET ${path} answered ${response.status}`, response.headers['retry-after']);
    if (response.status !== 200) return failure('WB_PARTNER_REQUEST_REJECTED', `GET ${path} answered ${response.status}`);
    return shape.safeParse(json(response)).success ? undefined : failure('WB_PARTNER_RESPONSE_INVALID', `GET ${path}: not the FHIR resource expected`);
  };
}

async function getBundle(http: PartnerHttp, url: string): Promise<Bundle> {
  const response = await http.request({ url, headers: { Accept: 'application/fhir+json' }, classify: classifyAs(bundleSchema) });
  return bundleSchema.parse(json(response));
}

/** A match as a placement record: the resource's own fields, with its version and instant. */
function recordOf(resource: Record<string, unknown>): Record<string, unknown> {
  const { resourceType: _type, meta, ...fields } = resource;
  const stamp = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : {};
  return { ...fields, version: stamp.versionId, updatedAt: stamp.lastUpdated };
}

function nextLink(bundle: Bundle, config: __Name__Config): string | undefined {
  const next = bundle.link?.find((link) => link.relation === 'next')?.url;
  if (next === undefined) return undefined;
  if (!URL.canParse(next) || new URL(next).origin !== new URL(config.baseUrl).origin) throw failure('WB_PARTNER_CONFIG_REJECTED', 'a next link points at another origin');
  return next;
}

export async function* pullPlacements(config: __Name__Config, stream: string, from: Cursor | undefined, http: PartnerHttp): AsyncGenerator<SourcePage<PlacementItem>> {
  if (stream !== 'placements') throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'stream', expected: 'placements', got: stream });
  const tracker = new CursorTracker(parseCursor(from));
  const since = tracker.since();
  const query = new URLSearchParams({ ...(since === undefined ? {} : { _lastUpdated: `ge${since}` }), _sort: '_lastUpdated', _count: String(config.pageSize) });
  let url = `${config.baseUrl}/Basic?${query.toString()}`;
  for (;;) {
    const bundle = await getBundle(http, url);
    const matches = (bundle.entry ?? []).flatMap((entry) => (entry.resource?.resourceType === 'Basic' && entry.search?.mode !== 'include' ? [recordOf(entry.resource)] : []));
    const items = matches.filter((record) => tracker.admit(record)).map((record) => ({ record }));
    const next = nextLink(bundle, config);
    yield { stream, items, cursor: tracker.cursor(), last: next === undefined, read: matches.length, absorbed: matches.length - items.length };
    if (next === undefined) return;
    url = next;
  }
}

/** Reachability and credentials: `GET /metadata` must answer a CapabilityStatement. Never throws for a partner fault. */
export async function checkPartner(config: __Name__Config, http: PartnerHttp): Promise<CheckResult> {
  try {
    await http.request({ url: `${config.baseUrl}/metadata`, headers: { Accept: 'application/fhir+json' }, classify: classifyAs(z.object({ resourceType: z.literal('CapabilityStatement') })) });
    return { ok: true, detail: `FHIR ${config.baseUrl}/metadata answered a CapabilityStatement` };
  } catch (error) {
    if (!(error instanceof WerkbrugError)) throw error;
    const code = error.code === 'WB_PARTNER_AUTH' ? 'WB_PARTNER_AUTH' : error.code === 'WB_PARTNER_REQUEST_REJECTED' ? 'WB_PARTNER_REQUEST_REJECTED' : 'WB_PARTNER_UNREACHABLE';
    return { ok: false, code, detail: error.message };
  }
}

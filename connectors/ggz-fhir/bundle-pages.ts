import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { getFhir, pathOf } from './fhir-response.js';
import { fhirPath } from './mapping/refusal.js';
import { bundleSchema, type Bundle } from './source-schema.js';

/**
 * Fetching Bundle pages (spec §4.2): the first page by query, the rest by following
 * `link[relation=next]` verbatim, only on the stream's own origin (E26), and a 410 on a next link
 * reported as `expired` so the stream can restart from its cursor.
 */
export async function fetchBundle(http: PartnerHttp, url: string, type: Bundle['type'], isNextLink: boolean): Promise<Bundle | 'expired'> {
  const answer = await getFhir(http, url, isNextLink ? [410] : []);
  if (answer.status === 410) return 'expired';
  const parsed = bundleSchema.safeParse(answer.json);
  if (!parsed.success || parsed.data.type !== type) {
    const issue = parsed.success ? undefined : parsed.error.issues[0];
    throw new WerkbrugError('WB_PARTNER_RESPONSE_INVALID', {
      field: issue ? fhirPath(issue.path) || 'Bundle' : 'Bundle.type',
      expected: issue ? issue.message : `a ${type} Bundle`,
      detail: `GET ${pathOf(url)}`,
    });
  }
  return parsed.data;
}

/**
 * The next link, or undefined on the last page. A next link on another origin than the stream's
 * base stops the stream before anything is sent there.
 */
export function nextLinkOf(bundle: Bundle, base: string): string | undefined {
  const next = bundle.link?.find((l) => l.relation === 'next')?.url;
  if (next === undefined) return undefined;
  let origin: string;
  try {
    origin = new URL(next).origin;
  } catch {
    throw new WerkbrugError('WB_PARTNER_CONFIG_REJECTED', { field: 'Bundle.link.next', expected: 'an absolute URL on the configured origin', got: 'an unparseable URL' });
  }
  if (origin !== new URL(base).origin) {
    throw new WerkbrugError('WB_PARTNER_CONFIG_REJECTED', { field: 'Bundle.link.next', expected: `a URL on ${new URL(base).origin}`, got: origin });
  }
  return next;
}

export function pagingExpired(path: string): WerkbrugError {
  return new WerkbrugError('WB_PARTNER_PAGING_EXPIRED', { detail: `a next link of ${path} answered 410 twice in one pull` });
}

/** FHIR token query values: `|` as `%7C` and `,` raw (comma = OR), `:` raw for readable instants. */
export function queryString(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ',').replace(/%3A/g, ':')}`).join('&');
}

import type { PartnerHttp, PartnerResponse } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { operationOutcomeSchema } from './source-schema.js';
import { safePath } from '../../src/connector/safe-path.js';

/**
 * One FHIR request and how its answer is classified (`partners/README.md` §2.5): transient →
 * `WB_PARTNER_UNREACHABLE` (retried by the HTTP layer, honouring Retry-After), 401/403 →
 * `WB_PARTNER_AUTH`, 400 and other refusals → `WB_PARTNER_REQUEST_REJECTED`, a body that is not
 * JSON → `WB_PARTNER_RESPONSE_INVALID` (retryable). Errors name the path, never the query (it can
 * hold a BSN) and never quote the body.
 */
export const fhirHeaders = { Accept: 'application/fhir+json', Prefer: 'handling=strict' } as const;

type Classified = WerkbrugError & { retryAfterSeconds?: number };

export function pathOf(url: string): string {
  return safePath(url);
}

/** Retry-After as seconds: an integer, or an HTTP date from now. */
export function retryAfterSeconds(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  if (/^\s*[0-9]+\s*$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Issue codes of an OperationOutcome body, as codes only (diagnostics may hold personal data). */
export function issueCodes(json: unknown): string[] {
  const parsed = operationOutcomeSchema.safeParse(json);
  if (!parsed.success) return [];
  return (parsed.data.issue ?? []).map((i) => i.code ?? '').filter((c) => /^[a-z-]{1,40}$/.test(c));
}

/** Text of a body: UTF-8 unless another charset is declared; a UTF-8 byte-order mark is dropped (E27). */
export function decodeBody(response: PartnerResponse): string | undefined {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(response.headers['content-type'] ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  const utf8 = charset === 'utf-8' || charset === 'utf8';
  const bytes = utf8 && response.body[0] === 0xef && response.body[1] === 0xbb && response.body[2] === 0xbf ? response.body.subarray(3) : response.body;
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Parsed JSON, or undefined. Node's JSON.parse quotes its input in errors, so none escapes. */
export function parseJson(text: string | undefined): { value: unknown } | undefined {
  if (text === undefined) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function error(code: 'WB_PARTNER_UNREACHABLE' | 'WB_PARTNER_AUTH' | 'WB_PARTNER_REQUEST_REJECTED' | 'WB_PARTNER_RESPONSE_INVALID' | 'WB_PARTNER_CONFIG_REJECTED', detail: string, retryAfter?: number): Classified {
  const err: Classified = new WerkbrugError(code, { detail });
  if (retryAfter !== undefined) err.retryAfterSeconds = retryAfter;
  return err;
}

const transientIssues = ['transient', 'throttled', 'exception'];

export interface FhirAnswer {
  readonly status: number;
  readonly json: unknown;
}

/**
 * GETs `url` and returns the parsed JSON of a 2xx answer, or the bare status of one listed in
 * `accept` (404/410, handled by the caller). Everything else throws as classified.
 */
export async function getFhir(http: PartnerHttp, url: string, accept: readonly number[] = []): Promise<FhirAnswer> {
  const path = pathOf(url);
  let json: unknown;
  const classify = (response: PartnerResponse): Classified | undefined => {
    const { status } = response;
    const where = `GET ${path} answered ${status}`;
    if (accept.includes(status)) return undefined;
    if (status >= 200 && status < 300) {
      const type = response.headers['content-type'];
      if (type !== undefined && !/^application\/([a-z+.-]*\+)?json\b/i.test(type)) return error('WB_PARTNER_RESPONSE_INVALID', `${where} with a body that is not JSON (media type)`);
      const parsed = parseJson(decodeBody(response));
      if (!parsed) return error('WB_PARTNER_RESPONSE_INVALID', `${where} with a body that is not valid JSON`);
      const issues = issueCodes(parsed.value);
      if (issues.some((c) => transientIssues.includes(c))) return error('WB_PARTNER_UNREACHABLE', `${where} with OperationOutcome ${issues.join(',')}`);
      json = parsed.value;
      return undefined;
    }
    const issues = issueCodes(parseJson(decodeBody(response))?.value);
    const detail = issues.length > 0 ? `${where} (issue ${issues.join(',')})` : where;
    if (status === 401 || status === 403) return error('WB_PARTNER_AUTH', detail);
    if (status === 429 || (status >= 500 && status !== 501)) return error('WB_PARTNER_UNREACHABLE', detail, retryAfterSeconds(response.headers['retry-after']));
    // A redirect is not followed (it could lead off the configured origin); a 404 means the base is wrong.
    if ((status >= 300 && status < 400) || status === 404) return error('WB_PARTNER_CONFIG_REJECTED', `${detail}; check the partner base URL`);
    return error('WB_PARTNER_REQUEST_REJECTED', detail);
  };
  const response = await http.request({ url, method: 'GET', headers: fhirHeaders, classify });
  return { status: response.status, json };
}

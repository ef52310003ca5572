import type { CheckResult, Cursor, SourcePage } from '@werkbrug/connector/connector.js';
import type { PartnerHttp, PartnerResponse } from '@werkbrug/connector/partner-http.js';
import { WerkbrugError } from '@werkbrug/errors/werkbrug-error.js';
import { readEnvelope, readFault } from '@werkbrug/xml/soap.js';
import { childElement, escapeXml, parseXml, type XmlElement } from '@werkbrug/xml/xml-document.js';
import type { __Name__Config } from './config-schema.js';
import { CursorTracker, parseCursor } from './cursor.js';
import type { PlacementItem } from './source-schema.js';

/**
 * The partner's SOAP 1.1 service: `POST {baseUrl}/placements` with SOAPAction
 * `urn:werkbrug:placements/ListPlacements` and `<ListPlacements>` (`updatedSince`, `limit`,
 * `start`); the answer lists `<placement>`s and a `<next>` token while there are more. XML is read
 * namespace-aware with a DOCTYPE refused (`src/xml/`). A Fault whose `<code>` is one of
 * {@link transientCodes}, an HTTP 5xx without a code, or a 429 is transient (retried with back-off
 * by the core's partner HTTP); 401/403 and {@link authCodes} stop the stream.
 */
export const PLACEMENTS_NS = 'urn:werkbrug:placements';
export const operation = 'ListPlacements';
/** Fault codes the partner documents as "try again later". */
export const transientCodes: ReadonlySet<string> = new Set(['PL001', 'PL002']);
const authCodes: ReadonlySet<string> = new Set(['PL010']);

type Classified = WerkbrugError & { retryAfterSeconds?: number };

function failure(code: 'WB_PARTNER_UNREACHABLE' | 'WB_PARTNER_AUTH' | 'WB_PARTNER_REQUEST_REJECTED' | 'WB_PARTNER_RESPONSE_INVALID', detail: string, retryAfter?: string): Classified {
  const error: Classified = new WerkbrugError(code, { detail });
  if (retryAfter !== undefined && /^[0-9]+$/.test(retryAfter.trim())) error.retryAfterSeconds = Number(retryAfter.trim());
  return error;
}

type Answer = { kind: 'answer'; payload: XmlElement } | { kind: 'fault'; code: string | undefined } | { kind: 'unreadable' };

function readAnswer(response: PartnerResponse): Answer {
  try {
    const envelope = readEnvelope(parseXml(response.body, { maxBytes: 16 * 1024 * 1024 }));
    const fault = readFault(envelope?.payload);
    if (fault) {
      const code = fault.detail.map((detail) => childElement(detail, PLACEMENTS_NS, 'code')?.text.trim()).find((text) => text !== undefined && text !== '');
      return { kind: 'fault', code };
    }
    return envelope?.payload?.ns === PLACEMENTS_NS && envelope.payload.local === `${operation}Response` ? { kind: 'answer', payload: envelope.payload } : { kind: 'unreadable' };
  } catch {
    // Parser errors can quote the document: never passed on.
    return { kind: 'unreadable' };
  }
}

function classify(response: PartnerResponse): Classified | undefined {
  const where = `${operation} at ${new URL(response.url).pathname}`;
  if (response.status === 401 || response.status === 403) return failure('WB_PARTNER_AUTH', `${where} answered ${response.status}`);
  if (response.status === 429) return failure('WB_PARTNER_UNREACHABLE', `${where} answered 429`, response.headers['retry-after']);
  const answer = readAnswer(response);
  if (answer.kind === 'fault') {
    if (answer.code === undefined || transientCodes.has(answer.code)) return failure('WB_PARTNER_UNREACHABLE', `${where}: Fault ${answer.code ?? 'without a code'}`, response.headers['retry-after']);
    return authCodes.has(answer.code) ? failure('WB_PARTNER_AUTH', `${where}: Fault ${answer.code}`) : failure('WB_PARTNER_REQUEST_REJECTED', `${where}: Fault ${answer.code}`);
  }
  if (response.status >= 500) return failure('WB_PARTNER_UNREACHABLE', `${where} answered ${response.status}`, response.headers['retry-after']);
  if (response.status !== 200) return failure('WB_PARTNER_REQUEST_REJECTED', `${where} answered ${response.status}`);
  return answer.kind === 'answer' ? undefined : failure('WB_PARTNER_RESPONSE_INVALID', `${where}: not a ${operation}Response`);
}

function envelope(params: { updatedSince?: string; limit: number; start?: string }): string {
  const field = (name: string, value: string | undefined): string => (value === undefined ? '' : `<pl:${name}>${escapeXml(value)}</pl:${name}>`);
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pl="${PLACEMENTS_NS}"><soapenv:Body><pl:${operation}>${field('updatedSince', params.updatedSince)}${field('limit', String(params.limit))}${field('start', params.start)}</pl:${operation}></soapenv:Body></soapenv:Envelope>`;
}

async function ask(http: PartnerHttp, config: __Name__Config, params: Parameters<typeof envelope>[0]): Promise<XmlElement> {
  const response = await http.request({
    url: `${config.baseUrl}/placements`, method: 'POST', body: envelope(params), classify,
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${PLACEMENTS_NS}/${operation}"` },
  });
  const answer = readAnswer(response);
  if (answer.kind !== 'answer') throw failure('WB_PARTNER_RESPONSE_INVALID', `${operation}: not a ${operation}Response`);
  return answer.payload;
}

/** A `<placement>` as a record: each child element's text under its local name; numbers as numbers. */
function recordOf(element: XmlElement): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const child of element.children) {
    if (child.ns !== PLACEMENTS_NS) continue;
    const text = child.text.trim();
    record[child.local] = child.local === 'hoursPerWeek' && /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : text;
  }
  return record;
}

export async function* pullPlacements(config: __Name__Config, stream: string, from: Cursor | undefined, http: PartnerHttp): AsyncGenerator<SourcePage<PlacementItem>> {
  if (stream !== 'placements') throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'stream', expected: 'placements', got: stream });
  const tracker = new CursorTracker(parseCursor(from));
  const since = tracker.since();
  let start: string | undefined;
  for (;;) {
    const payload = await ask(http, config, { ...(since === undefined ? {} : { updatedSince: since }), limit: config.pageSize, ...(start === undefined ? {} : { start }) });
    const matches = payload.children.filter((child) => child.ns === PLACEMENTS_NS && child.local === 'placement').map(recordOf);
    const items = matches.filter((record) => tracker.admit(record)).map((record) => ({ record }));
    const next = childElement(payload, PLACEMENTS_NS, 'next')?.text.trim() || undefined;
    yield { stream, items, cursor: tracker.cursor(), last: next === undefined, read: matches.length, absorbed: matches.length - items.length };
    if (next === undefined) return;
    start = next;
  }
}

/** Reachability and credentials: one question for one record. Never throws for a partner fault. */
export async function checkPartner(config: __Name__Config, http: PartnerHttp): Promise<CheckResult> {
  try {
    await ask(http, config, { limit: 1 });
    return { ok: true, detail: `${operation} at ${config.baseUrl}/placements answered` };
  } catch (error) {
    if (!(error instanceof WerkbrugError)) throw error;
    const code = error.code === 'WB_PARTNER_AUTH' ? 'WB_PARTNER_AUTH' : error.code === 'WB_PARTNER_REQUEST_REJECTED' ? 'WB_PARTNER_REQUEST_REJECTED' : 'WB_PARTNER_UNREACHABLE';
    return { ok: false, code, detail: error.message };
  }
}

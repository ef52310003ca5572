import type { PreparedResponse, WireFormat } from '../../../src/sandbox/index.js';

/**
 * JSON as the sandbox builds it. `undefined` members are allowed while building and vanish in
 * `JSON.stringify`, which keeps the resource builders free of conditional spreads.
 */
export type JsonValue = string | number | boolean | null | undefined | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fhirAnswer(status: number, body: JsonObject, headers: Readonly<Record<string, string>> = {}, bom = false): PreparedResponse {
  const text = Buffer.from(JSON.stringify(body), 'utf8');
  // Edge case E27: some EPDs put a UTF-8 byte-order mark before the JSON.
  const payload = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]) : text;
  return { status, headers: { 'Content-Type': FHIR_JSON, ...headers }, body: payload };
}

export type IssueCode =
  | 'invalid' | 'not-supported' | 'not-found' | 'deleted' | 'expired' | 'login' | 'forbidden' | 'transient'
  | 'throttled' | 'exception' | 'timeout' | 'conflict' | 'too-costly' | 'processing' | 'informational';

export function operationOutcome(code: IssueCode, diagnostics: string, severity: 'fatal' | 'error' | 'warning' | 'information' = 'error'): JsonObject {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}

export function outcomeAnswer(status: number, code: IssueCode, diagnostics: string, headers: Readonly<Record<string, string>> = {}): PreparedResponse {
  return fhirAnswer(status, operationOutcome(code, diagnostics), headers);
}

const ISSUE_BY_STATUS: Readonly<Record<number, readonly [IssueCode, string]>> = {
  400: ['invalid', 'The request is invalid'],
  401: ['login', 'Authentication required: a valid bearer token'],
  403: ['forbidden', 'Access to this resource is not allowed'],
  404: ['not-found', 'Not found'],
  405: ['not-supported', 'Method not allowed'],
  408: ['timeout', 'Request timeout'],
  409: ['conflict', 'Conflict'],
  410: ['expired', 'Gone'],
  413: ['too-costly', 'Request too large'],
  422: ['processing', 'Unprocessable request'],
  429: ['throttled', 'Too many requests'],
  500: ['exception', 'Internal server error'],
  501: ['not-supported', 'Not implemented'],
  502: ['transient', 'Bad gateway'],
  503: ['transient', 'Service temporarily unavailable'],
  504: ['timeout', 'Gateway timeout'],
};

/** How the ggz EPD answers when the shared machinery answers for it. */
export const ggzWireFormat: WireFormat = {
  partner: 'ggz',
  nativeError(status, options = {}) {
    const [code, text] = ISSUE_BY_STATUS[status] ?? (status >= 500 ? ['exception', 'Server error'] : ['invalid', 'Request refused']);
    const headers: Record<string, string> = options.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(options.retryAfterSeconds) };
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
    return outcomeAnswer(status, code, options.message ?? text, headers);
  },
  unauthorized() {
    return outcomeAnswer(401, 'login', 'Authentication required: send Authorization: Bearer <token>', { 'WWW-Authenticate': 'Bearer' });
  },
  malform(body) {
    // Cut the tail and end on tokens no JSON parser accepts, keeping roughly the original length.
    const broken = Buffer.from(',]}{"', 'utf8');
    if (body.length <= broken.length) return Buffer.from('{"resourceType":', 'utf8');
    return Buffer.concat([body.subarray(0, body.length - broken.length), broken]);
  },
};

import { faultTypes, formatAmsterdamInstant, type FaultType, type PreparedResponse, type SandboxHandler, type WireFormat } from '@werkbrug/sandbox/index.js';
import type { PlacementStore } from './data.js';

/**
 * The partner's FHIR R4 wire format: `GET /fhir/metadata` (a CapabilityStatement) and
 * `GET /fhir/Basic?_lastUpdated=ge…&_sort=_lastUpdated&_count=…`, a searchset Bundle whose
 * `next` link adds `_offset`. Errors are OperationOutcomes. Each placement is served as a `Basic`
 * resource carrying the partner's fields: replace it with the resource your partner serves.
 */
export const basePath = '/fhir';
/** A fault rule `match` that hits every request of the placements stream (next links included). */
export const faultMatch = { method: 'GET', path: `${basePath}/Basic` };
export const supportedFaults: ReadonlySet<FaultType> = new Set(faultTypes.filter((type) => type !== 'soap-fault' && type !== 'xml-doctype' && type !== 'expire-paging'));

export interface WireSource {
  store(): PlacementStore;
  origin(): string;
}

function fhir(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): PreparedResponse {
  return { status, headers: { 'Content-Type': 'application/fhir+json; charset=utf-8', ...headers }, body: Buffer.from(JSON.stringify(body), 'utf8') };
}

function outcome(code: string, diagnostics: string): unknown {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

export const wireFormat: WireFormat = {
  partner: '__name__',
  nativeError: (status, options = {}) =>
    fhir(status, outcome(status === 429 ? 'throttled' : status >= 500 ? 'transient' : 'invalid', options.message ?? 'the request failed'), options.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(options.retryAfterSeconds) }),
  unauthorized: () => fhir(401, outcome('login', 'a valid bearer token is required'), { 'WWW-Authenticate': 'Bearer' }),
  malform: (body) => Buffer.concat([body.subarray(0, Math.floor(body.length * 0.7)), Buffer.from('{"', 'utf8')]),
};

const capabilityStatement = {
  resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'],
  rest: [{ mode: 'server', resource: [{ type: 'Basic', searchParam: [{ name: '_lastUpdated', type: 'date' }] }] }],
};

export function createHandler(source: WireSource): SandboxHandler {
  return {
    describe: (request) => ({ paging: request.url.searchParams.has('_offset') }),
    handle: (request) => {
      if (request.method === 'GET' && request.path === `${basePath}/metadata`) return fhir(200, capabilityStatement);
      if (request.method !== 'GET' || request.path !== `${basePath}/Basic`) return wireFormat.nativeError(404, { message: 'no such resource' });
      const query = request.url.searchParams;
      const count = Number(query.get('_count') ?? '100');
      const offset = Number(query.get('_offset') ?? '0');
      const lastUpdated = query.get('_lastUpdated');
      const sinceMs = lastUpdated === null ? undefined : lastUpdated.startsWith('ge') ? Date.parse(lastUpdated.slice(2)) : Number.NaN;
      if (!Number.isInteger(count) || count < 1 || count > 1_000 || !Number.isInteger(offset) || offset < 0 || Number.isNaN(sinceMs)) {
        return wireFormat.nativeError(400, { message: '_count 1..1000, _offset ≥ 0 and _lastUpdated=ge<instant> only' });
      }
      const all = source.store().list(sinceMs);
      const entry = all.slice(offset, offset + count).map((version) => ({
        fullUrl: `${source.origin()}${basePath}/Basic/${version.id}`,
        resource: { resourceType: 'Basic', id: version.id, meta: { versionId: String(version.version), lastUpdated: formatAmsterdamInstant(version.updatedAtMs) }, ...version.fields },
        search: { mode: 'match' },
      }));
      const next = new URLSearchParams(query);
      next.set('_offset', String(offset + count));
      const link = [
        { relation: 'self', url: `${source.origin()}${request.url.pathname}${request.url.search}` },
        ...(offset + count < all.length ? [{ relation: 'next', url: `${source.origin()}${basePath}/Basic?${next.toString()}` }] : []),
      ];
      return fhir(200, { resourceType: 'Bundle', type: 'searchset', total: all.length, link, entry });
    },
  };
}

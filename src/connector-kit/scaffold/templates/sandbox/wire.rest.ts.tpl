import { faultTypes, formatAmsterdamInstant, type FaultType, type PreparedResponse, type SandboxHandler, type WireFormat } from '@werkbrug/sandbox/index.js';
import type { PlacementStore } from './data.js';

/**
 * The partner's REST wire format: `GET /api/placements?updatedSince=…&limit=…` answers
 * `{ "items": [...], "next": "<token>" | null }`, and `?pageToken=<token>` the next page. Errors are
 * `{ "error": { "status", "message" } }`. This file is what changes when the partner's API does.
 */
export const basePath = '/api';
/** A fault rule `match` that hits every request of the placements stream. */
export const faultMatch = { method: 'GET', path: `${basePath}/placements` };
export const supportedFaults: ReadonlySet<FaultType> = new Set(faultTypes.filter((type) => type !== 'soap-fault' && type !== 'xml-doctype' && type !== 'expire-paging'));

export interface WireSource {
  store(): PlacementStore;
  origin(): string;
}

function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): PreparedResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: Buffer.from(JSON.stringify(body), 'utf8') };
}

export const wireFormat: WireFormat = {
  partner: '__name__',
  nativeError: (status, options = {}) =>
    json(status, { error: { status, message: options.message ?? 'the request failed' } }, options.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(options.retryAfterSeconds) }),
  unauthorized: () => json(401, { error: { status: 401, message: 'a valid bearer token is required' } }, { 'WWW-Authenticate': 'Bearer' }),
  malform: (body) => Buffer.concat([body.subarray(0, Math.floor(body.length * 0.7)), Buffer.from('{"', 'utf8')]),
};

interface PageToken {
  readonly since: number | null;
  readonly offset: number;
}

function readToken(text: string): PageToken | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<PageToken>;
    return typeof value.offset === 'number' && (value.since === null || typeof value.since === 'number') ? { since: value.since, offset: value.offset } : undefined;
  } catch {
    return undefined;
  }
}

export function createHandler(source: WireSource): SandboxHandler {
  return {
    describe: (request) => ({ paging: request.url.searchParams.has('pageToken') }),
    handle: (request) => {
      if (request.method !== 'GET' || request.path !== `${basePath}/placements`) return wireFormat.nativeError(404, { message: 'no such resource' });
      const query = request.url.searchParams;
      const limit = Number(query.get('limit') ?? '100');
      if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) return wireFormat.nativeError(400, { message: 'limit must be 1 to 1000' });
      const tokenText = query.get('pageToken');
      const since = query.get('updatedSince');
      const token = tokenText !== null ? readToken(tokenText) : { since: since === null ? null : Date.parse(since), offset: 0 };
      if (token === undefined || (token.since !== null && Number.isNaN(token.since))) return wireFormat.nativeError(400, { message: 'pageToken or updatedSince is not valid' });
      const all = source.store().list(token.since ?? undefined);
      const items = all.slice(token.offset, token.offset + limit).map((version) => ({
        id: version.id, version: String(version.version), updatedAt: formatAmsterdamInstant(version.updatedAtMs), ...version.fields,
      }));
      const more = token.offset + limit < all.length;
      return json(200, { items, next: more ? Buffer.from(JSON.stringify({ since: token.since, offset: token.offset + limit }), 'utf8').toString('base64url') : null });
    },
  };
}

import { randomUUID } from 'node:crypto';
import { formatAmsterdamInstant } from '../../../src/sandbox/index.js';
import { EDGE_24_OUTCOME_ID } from './edge-cases.js';
import type { JsonObject } from './fhir-json.js';
import type { FrozenResult } from './paging.js';
import type { BuildContext, ResourceStore, StoredVersion } from './resource-store.js';

/**
 * Bundle pages of a frozen result: `searchset` with `match`, `include` and (E24) `outcome`
 * entries, and `history` with PUT/POST/DELETE entries, newest first.
 */
export interface PageContext extends BuildContext {
  readonly store: ResourceStore;
  readonly nowMs: number;
  /** The FHIR base a resource type is served on (`/fhir`, or the consent base for Consent). */
  baseFor(type: string): string;
  /** Origin written into `next` links (differs from `origin` only for edge case E26). */
  readonly linkOrigin: string;
  /** Edge case E24: an OperationOutcome entry on the first page. */
  readonly outcomeOnFirstPage: boolean;
}

export interface Page {
  readonly body: JsonObject;
  /** Edge case E27: the page holds a resource whose answer starts with a byte-order mark. */
  readonly bom: boolean;
}

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

function subset(resource: JsonObject, elements: readonly string[] | undefined): JsonObject {
  if (!elements) return resource;
  const kept: JsonObject = { resourceType: resource.resourceType, id: resource.id };
  const meta = typeof resource.meta === 'object' && resource.meta !== null && !Array.isArray(resource.meta) ? resource.meta : {};
  kept.meta = { ...meta, tag: [SUBSETTED] };
  for (const name of elements) if (resource[name] !== undefined) kept[name] = resource[name];
  return kept;
}

export function fullUrl(context: PageContext, version: { type: string; id: string }): string {
  return `${context.origin}${context.baseFor(version.type)}/${version.type}/${version.id}`;
}

export function nextUrl(context: PageContext, frozen: FrozenResult, offset: number, count: number): string {
  return `${context.linkOrigin}${frozen.base}?_getpages=${frozen.id}&_getpagesoffset=${offset}&_count=${count}&_bundletype=${frozen.kind}`;
}

function links(context: PageContext, frozen: FrozenResult, offset: number, count: number, self: string): JsonObject[] {
  const list: JsonObject[] = [{ relation: 'self', url: self }];
  if (count > 0 && offset + count < frozen.versions.length) list.push({ relation: 'next', url: nextUrl(context, frozen, offset + count, count) });
  return list;
}

function bundle(frozen: FrozenResult, offset: number, self: string, context: PageContext, count: number, entry: JsonObject[]): JsonObject {
  return {
    resourceType: 'Bundle',
    id: offset === 0 ? frozen.id : randomUUID(),
    meta: { lastUpdated: formatAmsterdamInstant(context.nowMs) },
    type: frozen.kind,
    total: frozen.total ? frozen.versions.length : undefined,
    link: links(context, frozen, offset, count, self),
    entry: entry.length > 0 ? entry : undefined,
  };
}

export function searchsetPage(frozen: FrozenResult, offset: number, count: number, self: string, context: PageContext): Page {
  const page = frozen.versions.slice(offset, offset + count);
  // E16/E18: what offset paging does when rows shift: the previous page's flagged row comes again.
  const repeated = offset > 0 ? frozen.versions.slice(Math.max(0, offset - count), offset).filter((version) => version.serving?.repeatOnNextPage) : [];
  let bom = false;
  const entry: JsonObject[] = [];
  if (offset === 0 && context.outcomeOnFirstPage) {
    entry.push({
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: { resourceType: 'OperationOutcome', id: EDGE_24_OUTCOME_ID, issue: [{ severity: 'warning', code: 'informational', diagnostics: 'Zoekresultaat mogelijk onvolledig: afgeschermde dossiers zijn weggelaten' }] },
      search: { mode: 'outcome' },
    });
  }
  const matches = [...repeated.map((version) => ({ version, repeat: true })), ...page.map((version) => ({ version, repeat: false }))];
  for (const { version, repeat } of matches) {
    bom ||= version.serving?.bom === true;
    const resource = repeat && version.serving?.repeatBody ? version.serving.repeatBody(context) : version.body(context);
    entry.push({ fullUrl: fullUrl(context, version), resource: subset(resource, frozen.elements), search: { mode: 'match' } });
  }
  if (frozen.includes.length > 0) {
    const seen = new Set<string>();
    for (const { version } of matches) {
      const patientId = version.facts.patient;
      if (patientId === undefined || seen.has(patientId)) continue;
      seen.add(patientId);
      const patient = context.store.live('Patient', patientId);
      if (!patient) continue;
      bom ||= patient.serving?.bom === true;
      entry.push({ fullUrl: fullUrl(context, patient), resource: subset(patient.body(context), frozen.elements), search: { mode: 'include' } });
    }
  }
  return { body: bundle(frozen, offset, self, context, count, entry), bom };
}

function historyEntry(version: StoredVersion, context: PageContext): JsonObject {
  const lastModified = formatAmsterdamInstant(version.lastUpdatedMs);
  if (version.deleted) {
    return { fullUrl: fullUrl(context, version), request: { method: 'DELETE', url: `${version.type}/${version.id}` }, response: { status: '204', lastModified } };
  }
  const created = version.versionId === '1';
  return {
    fullUrl: fullUrl(context, version),
    resource: version.body(context),
    request: { method: created ? 'POST' : 'PUT', url: created ? version.type : `${version.type}/${version.id}` },
    response: { status: created ? '201' : '200', etag: `W/"${version.versionId}"`, lastModified },
  };
}

export function historyPage(frozen: FrozenResult, offset: number, count: number, self: string, context: PageContext): Page {
  const entry = frozen.versions.slice(offset, offset + count).map((version) => historyEntry(version, context));
  return { body: bundle(frozen, offset, self, context, count, entry), bom: false };
}

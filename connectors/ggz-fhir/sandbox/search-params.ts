import { parseDateRange, type DateRange } from './fhir-dates.js';
import type { ResourceStore, StoredVersion } from './resource-store.js';

/**
 * The search parameters of `partners/ggz-fhir-r4.md` §1.1 and how a query string becomes filters.
 * Comma means OR inside one parameter, repeating a parameter means AND. Under `Prefer:
 * handling=strict` an unknown parameter is a 400 `not-supported`; otherwise it is ignored and left
 * out of the `self` link (FHIR's lenient default). A malformed value is a 400 `invalid` either way.
 */
export interface ParamDefinition {
  readonly name: string;
  readonly type: 'token' | 'reference' | 'date' | 'special' | 'number' | 'string';
  readonly documentation: string;
}

export const COMMON_PARAMS: readonly ParamDefinition[] = [
  { name: '_id', type: 'token', documentation: 'logical id; comma = OR' },
  { name: '_lastUpdated', type: 'date', documentation: 'meta.lastUpdated with eq gt ge lt le; repeat for a range' },
  { name: '_count', type: 'number', documentation: 'page size, default 50, at most 500 (larger is capped)' },
  { name: '_sort', type: 'special', documentation: '_lastUpdated or -_lastUpdated; ties broken by id ascending' },
  { name: '_include', type: 'special', documentation: 'see searchInclude per resource' },
  { name: '_total', type: 'special', documentation: 'none (default) or accurate' },
  { name: '_elements', type: 'special', documentation: 'comma-separated top-level elements' },
];

export const TYPE_PARAMS: Readonly<Record<string, readonly ParamDefinition[]>> = {
  ServiceRequest: [
    { name: 'code', type: 'token', documentation: 'ServiceRequest.code; comma = OR' },
    { name: 'status', type: 'token', documentation: 'ServiceRequest.status' },
    { name: 'patient', type: 'reference', documentation: 'ServiceRequest.subject (Patient)' },
    { name: 'subject', type: 'reference', documentation: 'ServiceRequest.subject' },
    { name: 'authored', type: 'date', documentation: 'ServiceRequest.authoredOn' },
  ],
  EpisodeOfCare: [
    { name: 'type', type: 'token', documentation: 'EpisodeOfCare.type; comma = OR' },
    { name: 'status', type: 'token', documentation: 'EpisodeOfCare.status' },
    { name: 'patient', type: 'reference', documentation: 'EpisodeOfCare.patient' },
    { name: 'date', type: 'date', documentation: 'EpisodeOfCare.period' },
  ],
  Consent: [
    { name: 'category', type: 'token', documentation: 'Consent.category' },
    { name: 'status', type: 'token', documentation: 'Consent.status' },
    { name: 'patient', type: 'reference', documentation: 'Consent.patient' },
    { name: 'purpose', type: 'token', documentation: 'Consent.provision.purpose' },
    { name: 'patient.identifier', type: 'token', documentation: 'chain: the identifier (BSN) of Consent.patient' },
  ],
  Patient: [
    { name: 'identifier', type: 'token', documentation: 'Patient.identifier' },
    { name: '_has:EpisodeOfCare:patient:type', type: 'special', documentation: 'reverse chain: Patients referenced by an EpisodeOfCare of that type' },
  ],
};

export const INCLUDES: Readonly<Record<string, readonly string[]>> = {
  ServiceRequest: ['ServiceRequest:subject', 'ServiceRequest:patient'],
  EpisodeOfCare: ['EpisodeOfCare:patient'],
  Consent: ['Consent:patient'],
  Patient: [],
};

/** Parameters that shape the answer, not the match, accepted everywhere and never refused. */
const FORMAT_PARAMS = new Set(['_format', '_pretty']);

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 500;

export interface ParsedSearch {
  readonly filters: ReadonlyArray<(version: StoredVersion) => boolean>;
  readonly descending: boolean;
  readonly count: number;
  readonly includes: readonly string[];
  readonly total: boolean;
  readonly elements?: readonly string[];
  /** The parameters used, in order, for the `self` link. */
  readonly applied: ReadonlyArray<readonly [string, string]>;
}

export type Refusal = { readonly ok: false; readonly code: 'invalid' | 'not-supported'; readonly diagnostics: string };
export type ParseResult = { readonly ok: true; readonly search: ParsedSearch } | Refusal;

const refuse = (code: Refusal['code'], diagnostics: string): Refusal => ({ ok: false, code, diagnostics });

/** `_count` capped at 500; undefined for a malformed value. */
export function parseCount(value: string | null): number | undefined {
  if (value === null || value === '') return DEFAULT_COUNT;
  if (!/^[0-9]{1,9}$/.test(value)) return undefined;
  return Math.min(Number(value), MAX_COUNT);
}

export function tokenMatcher(value: string): (token: string) => boolean {
  const bar = value.indexOf('|');
  if (bar < 0) return (token) => token.slice(token.lastIndexOf('|') + 1) === value;
  const system = value.slice(0, bar);
  if (bar === value.length - 1) return (token) => token.slice(0, token.lastIndexOf('|')) === system;
  return (token) => token === value;
}

const anyToken = (values: string): ((tokens: readonly string[] | undefined) => boolean) => {
  const matchers = values.split(',').map(tokenMatcher);
  return (tokens) => (tokens ?? []).some((token) => matchers.some((match) => match(token)));
};

export function referenceId(value: string): string | undefined {
  const match = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(value);
  if (match) return match[1];
  return /^[A-Za-z0-9\-.]{1,64}$/.test(value) ? value : undefined;
}

type Prefix = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** FHIR date comparison of a resource range with a search range, both `[from, to)`. */
function compare(prefix: Prefix, search: DateRange, value: readonly [number, number]): boolean {
  const [from, to] = search;
  const [start, end] = value;
  switch (prefix) {
    case 'eq': return start >= from && end <= to;
    case 'ne': return !(start >= from && end <= to);
    case 'gt': return end > to;
    case 'ge': return end > from;
    case 'lt': return start < from;
    case 'le': return start < to;
  }
}

/** Parses one date parameter value (`ge2025-06-01T22:00:00Z`, comma = OR) into a range test. */
export function dateTest(name: string, raw: string): ((value: readonly [number, number]) => boolean) | Refusal {
  const tests: Array<(value: readonly [number, number]) => boolean> = [];
  for (const part of raw.split(',')) {
    const match = /^(eq|ne|gt|ge|lt|le|sa|eb|ap)?(.*)$/.exec(part);
    const prefix = match?.[1] ?? 'eq';
    if (prefix === 'sa' || prefix === 'eb' || prefix === 'ap') return refuse('not-supported', `${name}: prefix ${prefix} is not supported (eq gt ge lt le ne)`);
    const range = parseDateRange(match?.[2] ?? '');
    if (!range) return refuse('invalid', `${name}: expected a FHIR date or instant with an optional prefix, e.g. ge2025-06-01T22:00:00Z`);
    tests.push((value) => compare(prefix as Prefix, range, value));
  }
  return (value) => tests.some((test) => test(value));
}

export function parseSearch(type: string, params: URLSearchParams, strict: boolean, store: ResourceStore): ParseResult {
  const known = new Set([...COMMON_PARAMS, ...(TYPE_PARAMS[type] ?? [])].map((param) => param.name));
  const filters: Array<(version: StoredVersion) => boolean> = [];
  const applied: Array<readonly [string, string]> = [];
  const includes: string[] = [];
  let count = DEFAULT_COUNT;
  let descending = false;
  let total = false;
  let elements: string[] | undefined;

  for (const [name, value] of params) {
    if (value === '' || FORMAT_PARAMS.has(name)) continue;
    if (!known.has(name)) {
      if (strict) return refuse('not-supported', `Unknown or unsupported search parameter "${name}" for ${type} (Prefer: handling=strict)`);
      continue;
    }
    const definition = TYPE_PARAMS[type]?.find((param) => param.name === name);
    switch (name) {
      case '_id': {
        const ids = new Set(value.split(','));
        filters.push((version) => ids.has(version.id));
        break;
      }
      case '_lastUpdated': {
        const test = dateTest(name, value);
        if (typeof test !== 'function') return test;
        filters.push((version) => test([version.lastUpdatedMs, version.lastUpdatedMs + 1]));
        break;
      }
      case '_count': {
        const parsed = parseCount(value);
        if (parsed === undefined) return refuse('invalid', '_count: expected a non-negative integer');
        count = parsed;
        break;
      }
      case '_sort': {
        if (value !== '_lastUpdated' && value !== '-_lastUpdated') {
          if (strict) return refuse('not-supported', '_sort: only _lastUpdated and -_lastUpdated are supported');
          continue;
        }
        descending = value.startsWith('-');
        break;
      }
      case '_include': {
        const include = value.split(':').slice(0, 2).join(':');
        if (!(INCLUDES[type] ?? []).includes(include)) {
          if (strict) return refuse('not-supported', `_include: ${type} supports ${(INCLUDES[type] ?? []).join(', ') || 'none'}`);
          continue;
        }
        includes.push(include);
        break;
      }
      case '_total': {
        if (!['none', 'accurate', 'estimate'].includes(value)) return refuse('invalid', '_total: expected none, estimate or accurate');
        total = value !== 'none';
        break;
      }
      case '_elements': {
        const names = value.split(',').map((item) => item.trim());
        if (!names.every((item) => /^[A-Za-z][A-Za-z0-9_]*$/.test(item))) return refuse('invalid', '_elements: expected comma-separated element names');
        elements = names;
        break;
      }
      case 'patient.identifier': {
        const match = anyToken(value);
        const ids = new Set(store.list('Patient').filter((patient) => match(patient.facts.tokens.identifier)).map((patient) => patient.id));
        filters.push((version) => version.facts.patient !== undefined && ids.has(version.facts.patient));
        break;
      }
      case '_has:EpisodeOfCare:patient:type': {
        const match = anyToken(value);
        const ids = new Set(store.list('EpisodeOfCare').filter((episode) => match(episode.facts.tokens.type)).map((episode) => episode.facts.patient));
        filters.push((version) => ids.has(version.id));
        break;
      }
      default: {
        const filter = definitionFilter(name, definition?.type, value);
        if (typeof filter !== 'function') return filter;
        filters.push(filter);
      }
    }
    applied.push([name, value]);
  }
  return { ok: true, search: { filters, descending, count, includes, total, ...(elements ? { elements } : {}), applied } };
}

function definitionFilter(name: string, type: ParamDefinition['type'] | undefined, value: string): ((version: StoredVersion) => boolean) | Refusal {
  if (type === 'reference') {
    const ids = value.split(',').map(referenceId);
    if (ids.some((id) => id === undefined)) return refuse('invalid', `${name}: expected Patient/{id} or an id`);
    const set = new Set(ids);
    return (version) => version.facts.patient !== undefined && set.has(version.facts.patient);
  }
  if (type === 'date') {
    const test = dateTest(name, value);
    if (typeof test !== 'function') return test;
    return (version) => version.facts.range !== undefined && test(version.facts.range);
  }
  const match = anyToken(value);
  // `identifier` on Patient and the token parameters all live in facts.tokens under their own name.
  return (version) => match(version.facts.tokens[name]);
}

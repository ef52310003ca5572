import { formatAmsterdamInstant } from '../../../src/sandbox/index.js';
import { valueRange } from './fhir-dates.js';
import { isJsonObject, type JsonObject, type JsonValue } from './fhir-json.js';
import { STATUS_SYSTEMS } from './fhir-systems.js';
import type { BuildContext, SearchFacts, ServingFlags, StoredVersion } from './resource-store.js';

/**
 * Versions held as JSON: edge cases, fixtures and whatever `/__control/records` puts. Their
 * search facts are read from the JSON itself, so a hand-written resource is searchable exactly as
 * it reads.
 */
function array(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function codingTokens(concepts: JsonValue | undefined): string[] {
  const tokens: string[] = [];
  for (const concept of array(concepts)) {
    if (!isJsonObject(concept)) continue;
    // A CodeableConcept has `coding`; a bare Coding (Consent.provision.purpose) is one itself.
    const codings = concept.coding === undefined ? [concept] : array(concept.coding);
    for (const coding of codings) {
      if (isJsonObject(coding) && typeof coding.code === 'string') tokens.push(`${typeof coding.system === 'string' ? coding.system : ''}|${coding.code}`);
    }
  }
  return tokens;
}

/** The Patient id a reference points at: relative, versioned or absolute; not contained, not identifier-only. */
export function referencedPatientId(reference: JsonValue | undefined): string | undefined {
  if (!isJsonObject(reference) || typeof reference.reference !== 'string') return undefined;
  const match = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference.reference);
  return match?.[1];
}

function statusToken(type: string, status: JsonValue | undefined): string[] {
  return typeof status === 'string' ? [`${STATUS_SYSTEMS[type] ?? ''}|${status}`] : [];
}

function periodRange(period: JsonValue | undefined): readonly [number, number] | undefined {
  if (!isJsonObject(period)) return undefined;
  const start = valueRange(period.start);
  const end = valueRange(period.end);
  if (!start && !end) return undefined;
  return [start?.[0] ?? Number.NEGATIVE_INFINITY, end?.[1] ?? Number.POSITIVE_INFINITY];
}

export function extractFacts(resource: JsonObject): SearchFacts {
  const type = typeof resource.resourceType === 'string' ? resource.resourceType : '';
  switch (type) {
    case 'Patient': {
      const identifier = array(resource.identifier).flatMap((item) =>
        isJsonObject(item) && typeof item.value === 'string' ? [`${typeof item.system === 'string' ? item.system : ''}|${item.value}`] : [],
      );
      return { tokens: { identifier } };
    }
    case 'ServiceRequest': {
      const patient = referencedPatientId(resource.subject);
      const range = valueRange(resource.authoredOn);
      return { tokens: { code: codingTokens(resource.code), status: statusToken(type, resource.status) }, ...(patient ? { patient } : {}), ...(range ? { range } : {}) };
    }
    case 'EpisodeOfCare': {
      const patient = referencedPatientId(resource.patient);
      const range = periodRange(resource.period);
      return { tokens: { type: codingTokens(resource.type), status: statusToken(type, resource.status) }, ...(patient ? { patient } : {}), ...(range ? { range } : {}) };
    }
    case 'Consent': {
      const patient = referencedPatientId(resource.patient);
      const provision = isJsonObject(resource.provision) ? resource.provision : {};
      return {
        tokens: { category: codingTokens(resource.category), status: statusToken(type, resource.status), purpose: codingTokens(provision.purpose) },
        ...(patient ? { patient } : {}),
      };
    }
    default:
      return { tokens: { status: statusToken(type, resource.status) } };
  }
}

export interface JsonVersionInit {
  readonly versionId: string;
  readonly lastUpdatedMs: number;
  readonly deleted?: boolean;
  readonly serving?: ServingFlags;
}

/**
 * A version from JSON (or from a function of the origin, for absolute references). `meta.versionId`
 * and `meta.lastUpdated` are set from the version, whatever the JSON said.
 */
export function jsonVersion(source: JsonObject | ((context: BuildContext) => JsonObject), init: JsonVersionInit): StoredVersion {
  const build = typeof source === 'function' ? source : () => source;
  const sample = build({ origin: 'http://sandbox.invalid' });
  const type = String(sample.resourceType);
  const id = String(sample.id);
  const meta = (resource: JsonObject): JsonObject => ({
    ...resource,
    meta: { ...(isJsonObject(resource.meta) ? resource.meta : {}), versionId: init.versionId, lastUpdated: formatAmsterdamInstant(init.lastUpdatedMs) },
  });
  return {
    type,
    id,
    versionId: init.versionId,
    lastUpdatedMs: init.lastUpdatedMs,
    deleted: init.deleted ?? false,
    facts: extractFacts(sample),
    ...(init.serving ? { serving: init.serving } : {}),
    // A structured clone, so a caller changing a served resource cannot change the stored one.
    body: (context) => structuredClone(meta(build(context))),
  };
}

/** A deletion marker for `_history` (DELETE) and reads (410). */
export function deletionVersion(type: string, id: string, versionId: string, lastUpdatedMs: number): StoredVersion {
  return {
    type, id, versionId, lastUpdatedMs, deleted: true, facts: { tokens: {} },
    body: () => ({ resourceType: type, id }),
  };
}

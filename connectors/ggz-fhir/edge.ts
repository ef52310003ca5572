import { z } from 'zod';
import type { EdgeContext, EdgeOutput, EdgeRecord, Rejection, SourcePage } from '../../src/connector/connector.js';
import { canonicalJson } from '../../src/stages/canonical-json.js';
import { draftRecordSchema, type DraftRecord, type SourceRef } from '../../src/trajectory/trajectory-record.js';
import type { GgzItem, ResourceItem } from './item.js';
import { readConsent } from './mapping/consent.js';
import { resolvePerson, subjectOf } from './mapping/patient.js';
import { mapReferral } from './mapping/referral.js';
import { fhirPath, isRefusal, issueRejection, type Refusal } from './mapping/refusal.js';
import { scanResource } from './mapping/scan.js';
import { sourceOf, withContentVersion } from './mapping/source-ref.js';
import { deletionTombstone, tombstone } from './mapping/tombstone.js';
import { mapTrajectory } from './mapping/trajectory.js';
import { episodeOfCareSchema, resourceEnvelopeSchema, safeParseConsent, serviceRequestSchema } from './source-schema.js';

/**
 * `Connector.edge` for the ggz: parse → validate → pseudonymise + minimise → draft, per item, pure.
 * Every item ends as exactly one record, one rejection, or one absorbed duplicate, so the run
 * balance closes. Only codes, dates, the pseudonym and the source reference leave: names,
 * addresses, telecom, narrative, notes and display strings are never copied (README §2.6).
 */
export function ggzEdge(page: SourcePage<GgzItem>, context: EdgeContext): EdgeOutput {
  const records: EdgeRecord[] = [];
  const rejections: Rejection[] = [];
  let absorbed = 0;
  const seen = new Map<string, Sighting>();
  for (const item of page.items) {
    const outcome = edgeItem(item, context, seen);
    if (outcome === 'absorbed') absorbed += 1;
    else if ('draft' in outcome) records.push(outcome);
    else rejections.push(bounded(outcome));
  }
  return { records, rejections, absorbed };
}

/**
 * The first resource seen on a page under one `Type/id|version`. Its canonical JSON is only written
 * out when the same version comes again: repeats are rare, and most resources are never compared.
 */
interface Sighting {
  readonly resource: unknown;
  canonical?: string;
}

// The reference of a resource whose envelope cannot be read: its id if it has a usable one.
function fallbackRef(item: ResourceItem, context: EdgeContext): string {
  const raw = item.resource;
  const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return sourceOf({ partnerId: context.partnerId, resourceType: item.stream, id: typeof rawId === 'string' && rawId !== '' ? rawId : 'unidentified' }, context.pseudonymiser).record_ref;
}

function edgeItem(item: GgzItem, context: EdgeContext, seen: Map<string, Sighting>): EdgeRecord | Rejection | 'absorbed' {
  if (item.kind === 'deletion') return { draft: deletionTombstone(item, context.partnerId, context.pseudonymiser) };
  const raw = item.resource;
  const scan = scanResource(raw);
  if (scan.tooDeep) return { sourceRef: fallbackRef(item, context), stage: 'parse', reason: 'unparseable', field: 'resource', expected: 'a resource nested at most 64 levels deep' };
  const envelope = resourceEnvelopeSchema.safeParse(raw);
  if (!envelope.success) return { sourceRef: fallbackRef(item, context), ...issueRejection(envelope.error, raw), stage: 'parse' };
  const { resourceType, id, meta } = envelope.data;
  const source = sourceOf({ partnerId: context.partnerId, resourceType: item.stream, id, versionId: meta?.versionId, lastUpdated: meta?.lastUpdated }, context.pseudonymiser);
  if (meta?.lastUpdated !== undefined && source.modified_at === null) return reject(source, { stage: 'parse', reason: 'invalid-date', field: 'meta.lastUpdated', expected: 'an instant with an offset' });
  if (resourceType !== item.stream) return reject(source, { stage: 'parse', reason: 'unknown-code', field: 'resourceType', expected: item.stream });

  // E16: the same id and version twice on a page is stored once; with other content it is a conflict (E18).
  if (meta?.versionId !== undefined) {
    const key = `${resourceType}/${id}|${meta.versionId}`;
    const prior = seen.get(key);
    if (prior === undefined) seen.set(key, { resource: raw });
    else {
      // Compared with the first sighting, as equal canonical JSON (what equal content hashes meant).
      prior.canonical ??= canonicalJson(prior.resource);
      if (prior.canonical === canonicalJson(raw)) return 'absorbed';
      return reject(source, { stage: 'parse', reason: 'version-conflict', field: 'meta.versionId', expected: 'one content per version' });
    }
  }

  const status = (raw as { status?: unknown }).status;
  if (status === 'entered-in-error') return retraction(item, source, context);
  const patientScan = item.patient.kind === 'found' ? scanResource(item.patient.resource) : undefined;
  const modifier = scan.modifier ?? (patientScan?.modifier !== undefined ? `Patient.${patientScan.modifier}` : undefined);
  // E25: a modifier changes the meaning of what it sits on, so an unknown one must not be ignored.
  // A Consent still yields a document (not understood, refusing everything) so no older version keeps permitting.
  if (modifier !== undefined && item.stream !== 'Consent') {
    return reject(source, { stage: 'validate', reason: 'unknown-modifier', field: modifier, expected: 'no modifierExtension werkbrug does not know' });
  }
  const mapped = mapItem(item, source, context, modifier !== undefined);
  return isRefusal(mapped) ? reject(source, mapped) : mapped;
}

// The quarantine keeps a field path and an expectation, not essays: long alias lists or deep paths are cut.
function bounded(rejection: Rejection): Rejection {
  return { ...rejection, field: rejection.field.slice(0, 200), expected: rejection.expected.slice(0, 300) };
}

function reject(source: SourceRef, refusal: Refusal): Rejection {
  return { sourceRef: source.record_ref, ...refusal };
}

function mapItem(item: ResourceItem, source: SourceRef, context: EdgeContext, unknownModifier: boolean): EdgeRecord | Refusal {
  if (item.stream === 'ServiceRequest') {
    const parsed = serviceRequestSchema.safeParse(item.resource);
    if (!parsed.success) return issueRejection(parsed.error, item.resource);
    const person = resolvePerson(parsed.data.subject, 'subject', parsed.data.contained, item.patient, context);
    if (isRefusal(person)) return person;
    return finish(mapReferral(parsed.data, { source, person, context, codeTokens: item.codeTokens }));
  }
  if (item.stream === 'EpisodeOfCare') {
    const parsed = episodeOfCareSchema.safeParse(item.resource);
    if (!parsed.success) return issueRejection(parsed.error, item.resource);
    const person = resolvePerson(parsed.data.patient, 'patient', parsed.data.contained, item.patient, context);
    if (isRefusal(person)) return person;
    const mapped = mapTrajectory(parsed.data, { source, person, context, codeTokens: item.codeTokens });
    return mapped === 'no-start' ? { draft: tombstone('EpisodeOfCare', source) } : finish(mapped);
  }
  const parsed = safeParseConsent(item.resource);
  if (!parsed.success) return issueRejection(parsed.error, item.resource);
  // Rule 9: a Consent without patient permits nothing and is quarantined.
  if (parsed.data.patient === undefined) return { stage: 'validate', reason: 'required-missing', field: 'patient', expected: 'a reference to the Patient' };
  const person = resolvePerson(parsed.data.patient, 'patient', parsed.data.contained, item.patient, context);
  if (isRefusal(person)) return person;
  const reading = readConsent(parsed.data, { source, person, context, unknownModifier, categoryTokens: item.codeTokens });
  if (isRefusal(reading)) return reading;
  const draft: DraftRecord = {
    record_kind: 'consent',
    person: person.person,
    ...(reading.asOf !== undefined ? { subject: subjectOf(person.patient, reading.asOf, context) } : {}),
    source,
    ...(reading.payload !== undefined ? { consent: reading.payload } : {}),
  };
  const record = finish(draft);
  if (isRefusal(record)) return record;
  // The document names the final reference (a content version is only known once the draft is complete).
  const final = record.draft.source;
  return { ...record, consentDocument: { ...reading.document, consentRef: final.record_ref, version: final.version } };
}

/**
 * E21: `entered-in-error` retracts. The tombstone goes out whatever else is wrong with the
 * resource; a Consent also sends its document when its person can be read, so the decision log
 * can name the retraction.
 */
function retraction(item: ResourceItem, source: SourceRef, context: EdgeContext): EdgeRecord {
  const draft = tombstone(item.stream, source);
  if (item.stream !== 'Consent') return { draft };
  const parsed = safeParseConsent(item.resource);
  if (!parsed.success || parsed.data.patient === undefined) return { draft };
  const person = resolvePerson(parsed.data.patient, 'patient', parsed.data.contained, item.patient, context);
  if (isRefusal(person)) return { draft };
  const reading = readConsent(parsed.data, { source, person, context, unknownModifier: false, categoryTokens: item.codeTokens });
  if (isRefusal(reading)) return { draft };
  return { draft, consentDocument: { ...reading.document, consentRef: draft.source.record_ref, version: draft.source.version } };
}

// Every draft is checked on its way out, so the check runs on zod's compiled fast path (same
// results and issues; a failing draft is re-run on the ordinary parser for its issues).
const compiledDraftSchema = z.compile(draftRecordSchema);

/** Fills a content version where the EPD gave none, and checks the draft against the trajectory format. */
function finish(mapped: DraftRecord | Refusal): EdgeRecord | Refusal {
  if (isRefusal(mapped)) return mapped;
  const draft = withContentVersion(mapped);
  const checked = compiledDraftSchema.safeParse(draft);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { stage: 'map', reason: 'invalid-value', field: fhirPath(issue?.path ?? [], 'draft.'), expected: issue?.message ?? 'a valid trajectory record' };
  }
  return { draft: checked.data };
}

import { createHash } from 'node:crypto';
import type { Cursor, SourcePage } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { fetchBundle, nextLinkOf, pagingExpired, queryString } from './bundle-pages.js';
import { consentCategoryToken, ipsReferralToken, ipsTrajectoryToken, type GgzFhirConfig } from './config-schema.js';
import { CursorTracker, parseCursor } from './cursor.js';
import { getFhir, issueCodes, pathOf } from './fhir-response.js';
import { deletionsStream, searchStreams, type GgzItem, type GgzStream, type PatientLookup, type ResourceItem } from './item.js';
import { parseInstant, queryInstant } from './mapping/dates.js';
import { subjectTarget } from './mapping/patient.js';
import { pullDeletions } from './pull-deletions.js';
import type { BundleEntry } from './source-schema.js';

/**
 * `Connector.pull` for the ggz (spec §4): one incremental search per stream, sorted by
 * `_lastUpdated`, with the Patient included; pages followed by their `next` link; missing
 * includes read one by one. Nothing here assumes a page size (E29) or a total.
 */
interface SearchPlan {
  readonly param: 'code' | 'type' | 'category';
  readonly tokens: readonly string[];
  readonly include: string;
  readonly subject: 'subject' | 'patient';
}

export function searchPlan(config: GgzFhirConfig, stream: GgzStream): SearchPlan {
  if (stream === 'ServiceRequest') return { param: 'code', tokens: [ipsReferralToken, ...config.codeAliases.referral], include: 'ServiceRequest:subject', subject: 'subject' };
  if (stream === 'EpisodeOfCare') return { param: 'type', tokens: [ipsTrajectoryToken, ...config.codeAliases.trajectory], include: 'EpisodeOfCare:patient', subject: 'patient' };
  return { param: 'category', tokens: [consentCategoryToken], include: 'Consent:patient', subject: 'patient' };
}

export function baseOf(config: GgzFhirConfig, stream: GgzStream): string {
  return stream === 'Consent' ? (config.consentBaseUrl ?? config.baseUrl) : config.baseUrl;
}

/** The first query of a stream, exactly as spec §4.1 writes it. */
export function searchUrl(config: GgzFhirConfig, stream: GgzStream, sinceMs: number | undefined): string {
  const plan = searchPlan(config, stream);
  const params: Array<readonly [string, string]> = [[plan.param, plan.tokens.join(',')]];
  if (sinceMs !== undefined) params.push(['_lastUpdated', `ge${queryInstant(sinceMs)}`]);
  params.push(['_sort', '_lastUpdated'], ['_count', String(config.pageSize)], ['_include', plan.include]);
  return `${baseOf(config, stream)}/${stream}?${queryString(params)}`;
}

export async function* pullGgz(config: GgzFhirConfig, stream: string, from: Cursor | undefined, http: PartnerHttp): AsyncGenerator<SourcePage<GgzItem>> {
  const cursor = parseCursor(from);
  if (stream === deletionsStream) {
    yield* pullDeletions(config, cursor, http);
    return;
  }
  const search = searchStreams.find((s) => s === stream);
  if (search === undefined) throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'stream', expected: `one of ${[...searchStreams, deletionsStream].join(', ')}`, got: stream });
  yield* pullSearch(config, search, new CursorTracker(cursor, config.overlapSeconds), http);
}

/** A content fingerprint, to tell a repeated version from a conflicting one (E16, E18). */
function fingerprint(resource: unknown): string {
  try {
    return createHash('sha256').update(JSON.stringify(resource)).digest('hex');
  } catch {
    return 'unfingerprintable';
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

async function* pullSearch(config: GgzFhirConfig, stream: GgzStream, tracker: CursorTracker, http: PartnerHttp): AsyncGenerator<SourcePage<GgzItem>> {
  const base = baseOf(config, stream);
  const plan = searchPlan(config, stream);
  const patients = new PatientReader(config, base, http);
  const backfill = config.backfillFrom !== undefined ? parseInstant(config.backfillFrom) : undefined;
  let restarted = false;
  for (;;) {
    let url = searchUrl(config, stream, tracker.since() ?? backfill);
    let isNext = false;
    for (;;) {
      const bundle = await fetchBundle(http, url, 'searchset', isNext);
      if (bundle === 'expired') {
        // Spec §4.2: an expired paging link restarts the stream from its cursor, once per pull.
        if (restarted) throw pagingExpired(pathOf(url));
        restarted = true;
        break;
      }
      const includes = new Map<string, unknown>();
      const matches: BundleEntry[] = [];
      const outcomeIssues: string[] = [];
      for (const entry of bundle.entry ?? []) {
        const type = entry.resource?.resourceType;
        if (entry.resource === undefined) continue;
        if (entry.search?.mode === 'outcome' || type === 'OperationOutcome') outcomeIssues.push(...(issueCodes(entry.resource).length > 0 ? issueCodes(entry.resource) : ['unknown']));
        else if (entry.search?.mode === 'include' || (entry.search?.mode === undefined && type !== stream)) {
          const id = str(entry.resource.id);
          if (type === 'Patient' && id !== undefined) includes.set(id, entry.resource);
        } else matches.push(entry);
      }
      const items: ResourceItem[] = [];
      for (const entry of matches) {
        const resource = entry.resource as Record<string, unknown>;
        const meta = (typeof resource.meta === 'object' && resource.meta !== null ? resource.meta : {}) as Record<string, unknown>;
        const typeId = `${String(resource.resourceType)}/${str(resource.id) ?? ''}`;
        if (!tracker.admit(typeId, str(resource.id) !== undefined ? str(meta.versionId) : undefined, str(meta.lastUpdated), fingerprint(resource))) continue;
        const patient = await patients.lookup(resource[plan.subject], includes);
        items.push({ kind: 'resource', stream, resource, patient, codeTokens: plan.tokens });
      }
      const next = nextLinkOrError(bundle, base);
      yield {
        stream,
        items,
        cursor: tracker.cursor(),
        last: next === undefined,
        read: matches.length,
        absorbed: matches.length - items.length,
        ...(outcomeIssues.length > 0 ? { outcomeIssues } : {}),
      };
      if (next === undefined) return;
      if (next instanceof WerkbrugError) throw next;
      url = next;
      isNext = true;
    }
  }
}

// E26: the page that carries a foreign next link is still delivered; the stream stops before following it.
function nextLinkOrError(bundle: Parameters<typeof nextLinkOf>[0], base: string): string | WerkbrugError | undefined {
  try {
    return nextLinkOf(bundle, base);
  } catch (error) {
    if (error instanceof WerkbrugError) return error;
    throw error;
  }
}

/** Finds the Patient of a match: on the page (include), else by a read; 404/410 mark it unresolvable (E10). */
class PatientReader {
  readonly #read = new Map<string, PatientLookup>();
  #origins: readonly string[] | undefined;

  constructor(
    private readonly config: GgzFhirConfig,
    private readonly streamBase: string,
    private readonly http: PartnerHttp,
  ) {}

  async lookup(reference: unknown, includes: ReadonlyMap<string, unknown>): Promise<PatientLookup> {
    const target = subjectTarget(reference);
    if (target.kind !== 'patient') return { kind: 'not-needed' };
    // Parsed on first need and kept: the bases do not change within a pull, and this runs per match.
    const origins = (this.#origins ??= [new URL(this.config.baseUrl).origin, new URL(this.streamBase).origin]);
    if (target.base !== undefined && !origins.includes(originOf(target.base))) return { kind: 'unresolvable', why: 'other-server' };
    const included = includes.get(target.id);
    if (included !== undefined) return { kind: 'found', via: 'include', resource: included };
    const url = `${target.base ?? this.config.baseUrl}/Patient/${target.id}`;
    const known = this.#read.get(url);
    if (known !== undefined) return known;
    const answer = await getFhir(this.http, url, [404, 410]);
    const found: PatientLookup =
      answer.status === 404 ? { kind: 'unresolvable', why: 'not-found' } : answer.status === 410 ? { kind: 'unresolvable', why: 'gone' } : { kind: 'found', via: 'read', resource: answer.json };
    this.#read.set(url, found);
    return found;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

import { createHash } from 'node:crypto';
import type { Cursor, PullContext, SourcePage } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { fetchBundle, nextLinkOf, pagingExpired, queryString } from './bundle-pages.js';
import { consentCategoryToken, ipsReferralToken, ipsTrajectoryToken, type GgzFhirConfig } from './config-schema.js';
import { CursorTracker, parseCursor } from './cursor.js';
import { getFhir, issueCodes, pathOf } from './fhir-response.js';
import { deletionsStream, searchStreams, type GgzItem, type GgzStream, type PatientLookup, type ResourceItem } from './item.js';
import { parseInstant, queryInstant, utcInstant } from './mapping/dates.js';
import { subjectTarget } from './mapping/patient.js';
import { pullDeletions } from './pull-deletions.js';
import type { BundleEntry } from './source-schema.js';
import { pastBound, untilMs } from './window.js';

/**
 * `Connector.pull` for the ggz (spec §4): one incremental search per stream, sorted by
 * `_lastUpdated`, with the Patient included; pages followed by their `next` link; missing
 * includes read one by one. Nothing here assumes a page size (E29) or a total. With
 * `context.until` (a replay, a back-fill window) the search adds `_lastUpdated=le{until}`, emits
 * nothing changed after it even if the server sends it, and stops paging once past it.
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

/**
 * The first query of a stream, exactly as spec §4.1 writes it; bounded, with a second
 * `_lastUpdated` (`le`, to the millisecond, spec §1.1: it may repeat for a range).
 */
export function searchUrl(config: GgzFhirConfig, stream: GgzStream, sinceMs: number | undefined, boundMs?: number): string {
  const plan = searchPlan(config, stream);
  const params: Array<readonly [string, string]> = [[plan.param, plan.tokens.join(',')]];
  if (sinceMs !== undefined) params.push(['_lastUpdated', `ge${queryInstant(sinceMs)}`]);
  if (boundMs !== undefined) params.push(['_lastUpdated', `le${utcInstant(boundMs)}`]);
  params.push(['_sort', '_lastUpdated'], ['_count', String(config.pageSize)], ['_include', plan.include]);
  return `${baseOf(config, stream)}/${stream}?${queryString(params)}`;
}

export async function* pullGgz(config: GgzFhirConfig, stream: string, from: Cursor | undefined, http: PartnerHttp, context?: PullContext): AsyncGenerator<SourcePage<GgzItem>> {
  const cursor = parseCursor(from);
  const bound = untilMs(context?.until);
  if (stream === deletionsStream) {
    yield* pullDeletions(config, cursor, http, bound);
    return;
  }
  const search = searchStreams.find((s) => s === stream);
  if (search === undefined) throw new WerkbrugError('WB_CONFIG_INVALID', { field: 'stream', expected: `one of ${[...searchStreams, deletionsStream].join(', ')}`, got: stream });
  const tracker = new CursorTracker(cursor, config.overlapSeconds);
  // Bounded before the stream's first change: nothing to ask.
  if (bound === Number.NEGATIVE_INFINITY) {
    yield { stream: search, items: [], cursor: tracker.cursor(), last: true, read: 0, absorbed: 0 };
    return;
  }
  yield* pullSearch(config, search, tracker, http, bound);
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

function lastUpdatedOf(resource: Record<string, unknown>): string | undefined {
  const meta = resource.meta;
  return typeof meta === 'object' && meta !== null && 'lastUpdated' in meta ? str(meta.lastUpdated) : undefined;
}

async function* pullSearch(config: GgzFhirConfig, stream: GgzStream, tracker: CursorTracker, http: PartnerHttp, bound: number | undefined): AsyncGenerator<SourcePage<GgzItem>> {
  const base = baseOf(config, stream);
  const plan = searchPlan(config, stream);
  const patients = new PatientReader(config, base, http);
  const backfill = config.backfillFrom !== undefined ? parseInstant(config.backfillFrom) : undefined;
  let restarted = false;
  for (;;) {
    let url = searchUrl(config, stream, tracker.since() ?? backfill, bound);
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
      // Pages come in ascending lastUpdated: the first match past the bound ends the pull.
      let past = false;
      for (const entry of bundle.entry ?? []) {
        const type = entry.resource?.resourceType;
        if (entry.resource === undefined) continue;
        if (entry.search?.mode === 'outcome' || type === 'OperationOutcome') outcomeIssues.push(...(issueCodes(entry.resource).length > 0 ? issueCodes(entry.resource) : ['unknown']));
        else if (entry.search?.mode === 'include' || (entry.search?.mode === undefined && type !== stream)) {
          const id = str(entry.resource.id);
          if (type === 'Patient' && id !== undefined) includes.set(id, entry.resource);
        } else if (past || pastBound(lastUpdatedOf(entry.resource), bound)) past = true;
        else matches.push(entry);
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
      const next = past ? undefined : nextLinkOrError(bundle, base);
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

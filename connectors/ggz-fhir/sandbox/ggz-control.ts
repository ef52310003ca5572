import { z } from 'zod';
import { parseControlBody, type ControlReply, type ControlTarget, type FaultBook } from '../../../src/sandbox/index.js';
import { DEFAULT_PERSONS, type Scenario } from './caseload.js';
import { isJsonObject } from './fhir-json.js';
import { groundTruth } from './ground-truth.js';
import type { GgzState, LoadRequest } from './ggz-state.js';
import { deletionVersion, jsonVersion } from './json-version.js';
import { canariesSchema, scenarioSchema } from '../../../src/sandbox/sandbox-options.js';

/**
 * The ggz side of `/__control` (`partners/README.md` §3): what a reset loads, how a FHIR resource
 * is put or deleted (next version, `lastUpdated` = now unless `?lastUpdated=` (E19) or
 * `?versionId=` (E17, E18) say otherwise), and the ggz-only routes:
 * - `POST /__control/consent-source {"state":"down"|"slow"|"up"}` arms (or removes) faults on the
 *   Consent path only (`partners/ggz-fhir-r4.md` §5.1);
 * - `POST /__control/paging {"nextOrigin":…,"pageSize":…}` serves E26 and E29 (null switches off);
 * - `GET /__control/ground-truth` and `GET /__control/edge-cases` for out-of-process tests.
 */
export const resetSchema = z.strictObject({
  scenario: scenarioSchema.optional(),
  seed: z.number().int().min(0).max(4_294_967_295).optional(),
  persons: z.number().int().min(0).max(1_000_000).optional(),
  canaries: canariesSchema.optional(),
});
export type ResetInput = z.infer<typeof resetSchema>;

const consentSourceSchema = z.strictObject({
  state: z.enum(['down', 'slow', 'up']),
  /** How long `slow` holds each answer (default 35 s: past a 30 s client timeout). */
  delayMs: z.number().int().min(0).max(600_000).optional(),
});

const pagingSchema = z.strictObject({
  // zod 4 runs refinements even after z.url() failed, so the refinement must not throw itself.
  nextOrigin: z.url().refine((value) => URL.canParse(value) && new URL(value).origin === value.replace(/\/$/, ''), 'an origin: scheme, host and port only').nullable().optional(),
  pageSize: z.number().int().min(1).max(10_000).nullable().optional(),
});

const resourceSchema = z.looseObject({ resourceType: z.string(), id: z.string().optional() });
const recordQuerySchema = z.strictObject({
  lastUpdated: z.iso.datetime({ offset: true }).optional(),
  versionId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/).optional(),
});

const KIND = /^[A-Z][A-Za-z]{1,63}$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const CONSENT_SOURCE = 'consent-source';

export interface GgzControlOptions {
  readonly state: GgzState;
  readonly faults: FaultBook<unknown>;
  /** What a reset without a body loads: the start options. */
  readonly initial: LoadRequest & { readonly personsGiven: boolean };
}

function nextVersion(current: string | undefined, retained: number): string {
  if (current === undefined) return '1';
  return /^[0-9]+$/.test(current) ? String(Number(current) + 1) : String(retained + 1);
}

export function ggzControl(options: GgzControlOptions): ControlTarget<ResetInput> {
  const { state, faults, initial } = options;
  const recordQuery = (query: URLSearchParams): ReturnType<typeof recordQuerySchema.safeParse> => recordQuerySchema.safeParse(Object.fromEntries(query));

  return {
    resetSchema,
    health: () => ({
      partner: 'ggz',
      scenario: state.dataset.source === 'fixtures' ? 'fixtures' : state.dataset.request.scenario,
      seed: state.dataset.request.seed,
      persons: state.dataset.request.persons,
      clock: state.clock.state().now,
      clockFrozen: state.clock.frozen,
      records: state.store.counts(),
      consentBase: state.settings.consentBase ?? null,
      paging: { ttlSeconds: state.paging.ttlSeconds, ...state.pagingOptions },
      faults: faults.list().length,
    }),
    reset: (input) => {
      const scenario: Scenario = input.scenario ?? initial.scenario;
      const persons = input.persons ?? (scenario === initial.scenario && initial.personsGiven ? initial.persons : DEFAULT_PERSONS[scenario]);
      const canaries = input.canaries ?? initial.canaries;
      state.reload({ scenario, seed: input.seed ?? initial.seed, persons, ...(canaries ? { canaries } : {}) });
    },
    putRecord: (kind, id, body, query): ControlReply => {
      if (!KIND.test(kind) || !ID.test(id)) return { status: 400, body: { error: 'expected /__control/records/{ResourceType}/{id} with a FHIR id' } };
      const params = recordQuery(query);
      if (!params.success) return { status: 400, body: { error: 'query: lastUpdated must be an instant with an offset, versionId a FHIR id' } };
      const parsed = parseControlBody(body, resourceSchema);
      if (!parsed.ok) return parsed.reply;
      const resource = parsed.value;
      if (resource.resourceType !== kind || (resource.id !== undefined && resource.id !== id)) return { status: 400, body: { error: `the body must be a ${kind} with id ${id} (or no id)` } };
      const latest = state.store.latest(kind, id);
      const versionId = params.data.versionId ?? nextVersion(latest?.versionId, state.store.versions(kind, id).length);
      const lastUpdatedMs = params.data.lastUpdated ? Date.parse(params.data.lastUpdated) : state.clock.nowMs();
      // A JSON round trip gives plain JSON values the type guard can vouch for.
      const copy: unknown = JSON.parse(JSON.stringify({ ...resource, id }));
      if (!isJsonObject(copy)) return { status: 400, body: { error: 'the body must be a JSON object' } };
      const version = jsonVersion(copy, { versionId, lastUpdatedMs });
      state.store.put(version);
      return { status: latest && !latest.deleted ? 200 : 201, body: version.body(state.pageContext()) };
    },
    deleteRecord: (kind, id, query): ControlReply => {
      const params = recordQuery(query);
      if (!params.success) return { status: 400, body: { error: 'query: lastUpdated must be an instant with an offset, versionId a FHIR id' } };
      const latest = state.store.latest(kind, id);
      if (!latest || latest.deleted) return { status: 404, body: { error: `${kind}/${id} is not a live resource` } };
      const versionId = params.data.versionId ?? nextVersion(latest.versionId, state.store.versions(kind, id).length);
      const lastUpdatedMs = params.data.lastUpdated ? Date.parse(params.data.lastUpdated) : state.clock.nowMs();
      state.store.put(deletionVersion(kind, id, versionId, lastUpdatedMs));
      return { status: 200, body: { deleted: `${kind}/${id}`, versionId } };
    },
    routes: {
      'POST consent-source': (request) => {
        const parsed = parseControlBody(request.body, consentSourceSchema);
        if (!parsed.ok) return parsed.reply;
        faults.removeBySource(CONSENT_SOURCE);
        const path = state.settings.consentBase ?? '/fhir/Consent';
        if (parsed.value.state === 'down') {
          faults.arm({ match: { path }, fault: { type: 'http-error', status: 503, retryAfterSeconds: 30, body: 'native', message: 'Toestemmingsregister tijdelijk niet beschikbaar' }, skip: 0, times: 0 }, CONSENT_SOURCE);
        } else if (parsed.value.state === 'slow') {
          faults.arm({ match: { path }, fault: { type: 'delay', ms: parsed.value.delayMs ?? 35_000 }, skip: 0, times: 0 }, CONSENT_SOURCE);
        }
        return { status: 200, body: { state: parsed.value.state, path, faults: faults.list().filter((fault) => fault.source === CONSENT_SOURCE) } };
      },
      'POST paging': (request) => {
        const parsed = parseControlBody(request.body, pagingSchema);
        if (!parsed.ok) return parsed.reply;
        const { nextOrigin, pageSize } = parsed.value;
        const current = state.pagingOptions;
        const origin = nextOrigin === undefined ? current.nextOrigin : (nextOrigin?.replace(/\/$/, '') ?? undefined);
        const size = pageSize === undefined ? current.pageSize : (pageSize ?? undefined);
        state.pagingOptions = { ...(origin ? { nextOrigin: origin } : {}), ...(size ? { pageSize: size } : {}) };
        return { status: 200, body: state.pagingOptions };
      },
      'GET ground-truth': () => ({ status: 200, body: groundTruth(state) }),
      'GET edge-cases': () => ({ status: 200, body: { edgeCases: state.dataset.edgeCases } }),
    },
  };
}

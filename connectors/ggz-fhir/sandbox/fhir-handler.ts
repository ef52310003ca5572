import { decodeSegments, type PreparedResponse, type SandboxHandler, type SandboxRequest } from '../../../src/sandbox/index.js';
import { capabilityStatement } from './capability-statement.js';
import { fhirAnswer, outcomeAnswer } from './fhir-json.js';
import { BSN_OID_SYSTEM, BSN_SYSTEM } from './fhir-systems.js';
import { history, nextPage, read, search, vread } from './fhir-interactions.js';
import type { GgzState } from './ggz-state.js';

/**
 * Routes `/fhir/…` (and the consent base, when set) to the FHIR interactions, and tells the shared
 * machinery what each request is: its operation (`search-type`, `search-page`, `read`, `vread`,
 * `history-type`, `history-instance`, `capabilities`), the BSN of a point lookup, and for a `next`
 * link the resource path of the search it continues (so a fault on `/fhir/Consent` hits its pages).
 */
interface Route {
  readonly base: string;
  /** Undefined when a percent-escape in the path is malformed. */
  readonly segments: readonly string[] | undefined;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

function route(state: GgzState, path: string): Route | undefined {
  for (const base of state.bases()) {
    if (path === base || path === `${base}/`) return { base, segments: [] };
    if (path.startsWith(`${base}/`)) return { base, segments: decodeSegments(path.slice(base.length)) };
  }
  return undefined;
}

function operationOf(request: SandboxRequest, found: Route | undefined): string {
  if (!found?.segments) return 'unknown';
  const [type, second, third, fourth] = found.segments;
  if (type === undefined) return request.url.searchParams.has('_getpages') ? 'search-page' : 'unknown';
  if (type === 'metadata') return 'capabilities';
  if (second === undefined) return 'search-type';
  if (second === '_history') return 'history-type';
  if (third === undefined) return 'read';
  if (third === '_history') return fourth === undefined ? 'history-instance' : 'vread';
  return 'unknown';
}

/** The BSN a point lookup asks about (`patient.identifier` on Consent, `identifier` on Patient). */
function askedBsn(url: URL): string | undefined {
  for (const name of ['patient.identifier', 'identifier']) {
    for (const value of url.searchParams.getAll(name)) {
      for (const token of value.split(',')) {
        const [system, code] = token.split('|');
        if ((system === BSN_SYSTEM || system === BSN_OID_SYSTEM) && code) return code;
      }
    }
  }
  return undefined;
}

export function createFhirHandler(state: GgzState): SandboxHandler {
  return {
    describe(request) {
      const found = route(state, request.path);
      const operation = operationOf(request, found);
      const bsn = askedBsn(request.url);
      if (operation === 'search-page') {
        const frozen = state.paging.peek(request.url.searchParams.get('_getpages') ?? '');
        return { operation, paging: true, ...(frozen ? { resourcePath: `${frozen.base}/${frozen.type}` } : {}) };
      }
      return { operation, ...(bsn ? { bsn } : {}) };
    },

    handle(request, fault): PreparedResponse {
      const found = route(state, request.path);
      if (!found) return outcomeAnswer(404, 'not-found', `No FHIR endpoint at ${request.path}; the base is ${state.origin}/fhir`);
      if (request.method !== 'GET' && request.method !== 'HEAD') return outcomeAnswer(405, 'not-supported', `${request.method} is not supported: this EPD API is read-only`, { Allow: 'GET' });
      const { base, segments } = found;
      if (!segments) return outcomeAnswer(400, 'invalid', 'The path has a malformed percent-escape');
      const strict = /(^|[,;\s])handling\s*=\s*strict\b/i.test(String(request.headers.prefer ?? ''));
      const [type, second, third, fourth, ...rest] = segments;

      if (type === undefined) {
        if (request.url.searchParams.has('_getpages')) return nextPage(state, base, request.url, fault?.type === 'expire-paging');
        return outcomeAnswer(400, 'not-supported', 'System-level interactions are not supported; search per resource type');
      }
      if (type === 'metadata' && second === undefined) return fhirAnswer(200, capabilityStatement(state.typesOn(base), state.clock.nowMs(), `${state.origin}${base}`));
      if (!/^[A-Z][A-Za-z]{1,63}$/.test(type) || !state.typesOn(base).includes(type)) {
        const elsewhere = state.bases().find((other) => other !== base && state.typesOn(other).includes(type));
        return elsewhere
          ? outcomeAnswer(404, 'not-found', `${type} is served at ${state.origin}${elsewhere}, not here`)
          : outcomeAnswer(404, 'not-supported', `Resource type ${type} is not supported by this server`);
      }
      if (rest.length > 0) return outcomeAnswer(404, 'not-found', `No FHIR endpoint at ${request.path}`);
      if (second === undefined) return search(state, base, type, request.url.searchParams, strict);
      if (second === '_history' && third === undefined) return history(state, base, type, undefined, request.url.searchParams, strict);
      if (!ID.test(second)) return outcomeAnswer(400, 'invalid', 'A FHIR id is 1–64 characters of A–Z, a–z, 0–9, - and .');
      if (third === undefined) return read(state, type, second);
      if (third === '_history' && fourth === undefined) return history(state, base, type, second, request.url.searchParams, strict);
      if (third === '_history' && fourth !== undefined) return vread(state, type, second, fourth);
      return outcomeAnswer(404, 'not-found', `No FHIR endpoint at ${request.path}`);
    },
  };
}

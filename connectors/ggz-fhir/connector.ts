import type { CheckResult, Connector, ConnectorDescription } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { queryString } from './bundle-pages.js';
import { consentCategoryToken, ggzFhirConfigSchema, type GgzFhirConfig } from './config-schema.js';
import { ggzEdge } from './edge.js';
import { getFhir } from './fhir-response.js';
import { deletionsStream, type GgzItem } from './item.js';
import { pullGgz, searchPlan } from './pull.js';
import { capabilityStatementSchema } from './source-schema.js';
import { ggzWindowCursor } from './window.js';
import { ggzWorklist } from './worklist.js';

/**
 * The ggz FHIR R4 connector (`partners/ggz-fhir-r4.md`): referrals (ServiceRequest), trajectories
 * (EpisodeOfCare) and consent (Consent) of an EPD, with the Patient only to find the BSN. Consent
 * is pulled first (role `consent`) so the records of a run are decided on fresh consent. Pulls
 * can be bounded (`PullContext.until`) and cut into time windows (`windowCursor`): `window.ts`.
 */
const lastUpdatedCursor = 'highest meta.lastUpdated stored (UTC) plus the Type/id|versionId stored within the overlap before it; the next query asks ge (lastUpdated − overlapSeconds)';

function describe(_config: GgzFhirConfig): ConnectorDescription {
  return {
    streams: [
      { name: 'Consent', role: 'consent', cursor: lastUpdatedCursor },
      { name: 'ServiceRequest', role: 'data', cursor: lastUpdatedCursor },
      { name: 'EpisodeOfCare', role: 'data', cursor: lastUpdatedCursor },
      { name: deletionsStream, role: 'deletions', cursor: 'newest response.lastModified of the last complete _history pull of the three types; the next asks _since = it − overlapSeconds' },
    ],
  };
}

function checkCode(error: WerkbrugError): Extract<CheckResult, { ok: false }>['code'] {
  if (error.code === 'WB_PARTNER_AUTH') return 'WB_PARTNER_AUTH';
  if (error.code === 'WB_PARTNER_REQUEST_REJECTED' || error.code === 'WB_PARTNER_CONFIG_REJECTED') return 'WB_PARTNER_REQUEST_REJECTED';
  return 'WB_PARTNER_UNREACHABLE';
}

/** Reachability, credentials and the search parameters the pull relies on (spec §8). */
async function check(config: GgzFhirConfig, http: PartnerHttp): Promise<CheckResult> {
  try {
    const metadata = await getFhir(http, `${config.baseUrl}/metadata`);
    const statement = capabilityStatementSchema.safeParse(metadata.json);
    if (!statement.success) return { ok: false, code: 'WB_PARTNER_REQUEST_REJECTED', detail: 'GET /metadata did not answer a CapabilityStatement' };
    const resources = (statement.data.rest ?? []).flatMap((r) => r.resource ?? []);
    const streams = config.consentBaseUrl === undefined ? (['ServiceRequest', 'EpisodeOfCare', 'Consent'] as const) : (['ServiceRequest', 'EpisodeOfCare'] as const);
    const missing = streams.flatMap((stream) => {
      const resource = resources.find((r) => r.type === stream);
      const params = resource?.searchParam?.map((p) => p.name);
      const needed = searchPlan(config, stream).param;
      return resource === undefined ? [stream] : params !== undefined && params.length > 0 && !params.includes(needed) ? [`${stream}?${needed}`] : [];
    });
    if (missing.length > 0) return { ok: false, code: 'WB_PARTNER_REQUEST_REJECTED', detail: `the EPD does not offer ${missing.join(', ')}` };
    if (config.consentBaseUrl !== undefined) {
      // A consent service need not have /metadata: one tiny search proves reach and credentials.
      await getFhir(http, `${config.consentBaseUrl}/Consent?${queryString([['category', consentCategoryToken], ['_count', '1'], ['_elements', 'id']])}`);
    }
    return { ok: true, detail: `FHIR ${config.baseUrl}/metadata answered with every resource the streams read` };
  } catch (error) {
    if (error instanceof WerkbrugError) return { ok: false, code: checkCode(error), detail: error.message };
    throw error;
  }
}

export const ggzFhirConnector: Connector<GgzFhirConfig, GgzItem> = {
  id: 'ggz-fhir',
  version: '0.1.0',
  mappingVersion: '2026.11',
  kind: 'fhir',
  configSchema: ggzFhirConfigSchema,
  describe,
  check,
  pull: pullGgz,
  edge: ggzEdge,
  worklist: ggzWorklist,
  windowCursor: ggzWindowCursor,
  bounded: true,
};

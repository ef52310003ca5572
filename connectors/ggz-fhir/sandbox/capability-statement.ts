import { formatAmsterdamInstant } from '../../../src/sandbox/index.js';
import type { JsonObject } from './fhir-json.js';
import { COMMON_PARAMS, INCLUDES, TYPE_PARAMS } from './search-params.js';

/**
 * `GET {base}/metadata`: a minimal CapabilityStatement listing exactly the resource types and
 * search parameters of `partners/ggz-fhir-r4.md` §1.1 served on that base, so a connector's
 * `check()` can verify them.
 */
export function capabilityStatement(types: readonly string[], nowMs: number, baseUrl: string): JsonObject {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: formatAmsterdamInstant(nowMs),
    kind: 'instance',
    software: { name: 'werkbrug ggz FHIR sandbox' },
    implementation: { description: 'Sandbox EPD of a ggz-instelling (werkbrug)', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [{
      mode: 'server',
      searchParam: COMMON_PARAMS.map((param) => ({ name: param.name, type: param.type, documentation: param.documentation })),
      resource: types.map((type) => ({
        type,
        interaction: [{ code: 'read' }, { code: 'vread' }, { code: 'search-type' }, { code: 'history-type' }],
        versioning: 'versioned',
        readHistory: true,
        searchInclude: [...(INCLUDES[type] ?? [])],
        searchParam: (TYPE_PARAMS[type] ?? []).map((param) => ({ name: param.name, type: param.type, documentation: param.documentation })),
      })),
    }],
  };
}

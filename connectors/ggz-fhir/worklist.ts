import type { WorklistEntry } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { fetchBundle, nextLinkOf, queryString } from './bundle-pages.js';
import { ipsTrajectoryToken, type GgzFhirConfig } from './config-schema.js';
import { bsnSystems } from './source-schema.js';

/**
 * The ggz part of the UWV worklist (`partners/uwv-suwinet.md` §1.1, `partners/ggz-fhir-r4.md`
 * §1.1): the Patients that have an IPS trajectory, asked with the one reverse chain the EPD offers
 * and `_elements=identifier`, so nothing but ids and identifiers crosses the wire. Yields every
 * BSN identifier value as delivered; the core normalises, checks and pseudonymises them in memory.
 * A 410 on a next link restarts the search once (the same persons again are de-duplicated).
 */
const PAGE = 500;

export async function* ggzWorklist(config: GgzFhirConfig, http: PartnerHttp): AsyncGenerator<WorklistEntry> {
  const first = `${config.baseUrl}/Patient?${queryString([['_has:EpisodeOfCare:patient:type', ipsTrajectoryToken], ['_elements', 'identifier'], ['_count', String(PAGE)]])}`;
  let url: string | undefined = first;
  let restarted = false;
  while (url !== undefined) {
    const bundle = await fetchBundle(http, url, 'searchset', url !== first);
    if (bundle === 'expired') {
      if (restarted) throw new WerkbrugError('WB_PARTNER_PAGING_EXPIRED', { detail: 'the worklist search of Patient expired twice' });
      restarted = true;
      url = first;
      continue;
    }
    for (const entry of bundle.entry ?? []) {
      if (entry.search?.mode !== undefined && entry.search.mode !== 'match') continue;
      const resource = entry.resource as { resourceType?: unknown; identifier?: unknown } | undefined;
      if (resource?.resourceType !== 'Patient' || !Array.isArray(resource.identifier)) continue;
      for (const identifier of resource.identifier as Array<{ system?: unknown; value?: unknown }>) {
        if (typeof identifier.value === 'string' && (bsnSystems as readonly unknown[]).includes(identifier.system)) yield { bsn: identifier.value };
      }
    }
    url = nextLinkOf(bundle, config.baseUrl);
  }
}

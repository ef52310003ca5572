import type { WorklistEntry } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { childElement, childText } from '../../src/xml/xml-document.js';
import type { GemeenteStufConfig } from './config-schema.js';
import { askWithProgress, numberOf } from './pull.js';
import { PW_NS } from './stuf-names.js';

/**
 * The gemeente part of the UWV worklist (spec §8, `partners/uwv-suwinet.md` §1.1): a state
 * question about IPS provisions (`gelijk indicatieIps = J`) with a listed scope, so only keys,
 * dates and the BSN cross the wire, paged with `start`. Yields each BSN as delivered; the core
 * normalises, checks and pseudonymises them in memory. Nothing here stores or logs a BSN.
 */
const PAGE = 200;

export async function* gemeenteWorklist(config: GemeenteStufConfig, http: PartnerHttp): AsyncGenerator<WorklistEntry> {
  let start: number | undefined;
  for (;;) {
    const answer = await askWithProgress(http, config, {
      type: 'RIV', maximumAantal: PAGE, scope: 'worklist',
      gelijk: { indicatieIps: 'J', ...(config.gemeenteFilter ? { gemeentecode: config.gemeenteFilter } : {}) },
      ...(start !== undefined ? { start } : {}),
    });
    let last: number | undefined;
    for (const object of answer.objects) {
      last = numberOf(object) ?? last;
      const client = childElement(object, PW_NS, 'heeftAlsClient');
      const related = client ? childElement(client, PW_NS, 'gerelateerde') : undefined;
      const bsn = related ? childText(related, PW_NS, 'inp.bsn') : undefined;
      if (bsn !== undefined) yield { bsn };
    }
    if (!answer.vervolg) return;
    if (last === undefined) throw new WerkbrugError('WB_PARTNER_RESPONSE_INVALID', { detail: 'rivLv01 (worklist): a page promising more ends without a mutatievolgnummer to continue from' });
    start = last;
  }
}

import type { CheckResult, Connector, ConnectorDescription } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { gemeenteStufConfigSchema, type GemeenteStufConfig } from './config-schema.js';
import { gemeenteEdge } from './edge.js';
import type { StufItem } from './item.js';
import { pullGemeente } from './pull.js';
import { askStuf, serviceUrl } from './stuf-response.js';
import { answerName } from './stuf-names.js';
import { gemeenteWorklist } from './worklist.js';

/**
 * The gemeente StUF connector (`partners/gemeente-stuf.md`): Participatiewet benefits (PWU),
 * re-integration provisions including IPS subsidy decisions (RIV) and loonkostensubsidie
 * placements (LKS) of a gemeente's or uitvoeringsorganisatie's social-services suite, asked as
 * StUF 03.01 mutation questions over one mutation sequence. Removals (`V`) come within each
 * stream, so there is no deletions stream; there is no consent stream either. Pulls can be
 * bounded (`PullContext.until`, a replay); there is no `windowCursor`, since the only time on an
 * object (`tijdstipRegistratie`) is informational, never a cursor (spec §3.2).
 */
const mutationCursor = 'highest mutatievolgnummer stored plus the numbers stored within the overlap below it; the next question asks vanaf (mutatievolgnummer − overlap) and skips numbers already stored';

function describe(config: GemeenteStufConfig): ConnectorDescription {
  return { streams: config.streams.map((name) => ({ name, role: 'data' as const, cursor: mutationCursor })) };
}

function checkCode(error: WerkbrugError): Extract<CheckResult, { ok: false }>['code'] {
  if (error.code === 'WB_PARTNER_AUTH') return 'WB_PARTNER_AUTH';
  if (error.code === 'WB_PARTNER_REQUEST_REJECTED' || error.code === 'WB_PARTNER_CONFIG_REJECTED') return 'WB_PARTNER_REQUEST_REJECTED';
  return 'WB_PARTNER_UNREACHABLE';
}

/** Reach, credentials and the ontvanger: one mutation question for one object of every configured stream. */
async function check(config: GemeenteStufConfig, http: PartnerHttp): Promise<CheckResult> {
  try {
    for (const type of config.streams) await askStuf(http, config, { type, vanaf: 1, maximumAantal: 1, scope: 'alles' });
    return { ok: true, detail: `StUF ${serviceUrl(config)} answered ${config.streams.map(answerName).join(', ')}` };
  } catch (error) {
    if (error instanceof WerkbrugError) return { ok: false, code: checkCode(error), detail: error.message };
    throw error;
  }
}

export const gemeenteStufConnector: Connector<GemeenteStufConfig, StufItem> = {
  id: 'gemeente-stuf',
  version: '0.1.0',
  mappingVersion: '2026.11',
  kind: 'soap',
  configSchema: gemeenteStufConfigSchema,
  describe,
  check,
  pull: pullGemeente,
  edge: gemeenteEdge,
  worklist: gemeenteWorklist,
  bounded: true,
};

import type { CheckResult, Connector, ConnectorDescription } from '../../src/connector/connector.js';
import type { PartnerHttp } from '../../src/connector/partner-http.js';
import { WerkbrugError } from '../../src/errors/werkbrug-error.js';
import { classifyAnswer } from './answer.js';
import { fromAddressOf, uwvSuwinetConfigSchema, type UwvSuwinetConfig } from './config-schema.js';
import { uwvEdge } from './edge.js';
import { personsStream, type PersonItem } from './item.js';
import { pullUwv } from './pull.js';
import { question, SOAP_HEADERS } from './request.js';
import { IKV, WV, type ServiceWireNames } from './suwiml.js';

/**
 * The UWV Suwinet connector (`partners/uwv-suwinet.md`): inkomstenverhoudingen and
 * uitkeringsverhoudingen, asked per person about the persons the core hands it (`asksPerPerson`),
 * each answer a complete snapshot for its period. One stream, `persons`.
 */
function describe(_config: UwvSuwinetConfig): ConnectorDescription {
  return {
    streams: [
      {
        name: personsStream,
        role: 'data',
        cursor: 'date of the last completed run (Europe/Amsterdam); Suwinet has no change feed, so every eligible person on the worklist is asked each run and the core keeps no BSN list',
      },
    ],
  };
}

/**
 * Reach and credentials without asking about anyone: a question without a BSN. A Fault `FWI0030`
 * (request bug) means the gateway let the token through and the service read the question; so
 * does any other answer of the service itself. 401/403 or a Fault `FWI0020` → `WB_PARTNER_AUTH`;
 * no answer, 5xx or FWI0001/FWI0010 → `WB_PARTNER_UNREACHABLE`. Real Suwinet logs the question as
 * refused; it names no person.
 */
async function checkService(config: UwvSuwinetConfig, http: PartnerHttp, service: ServiceWireNames): Promise<CheckResult> {
  const endpoint = service === IKV ? config.inkomstenUrl : config.werknemersverzekeringenUrl;
  const body = question({ service, endpoint, fromAddress: fromAddressOf(config), bsn: '' }).xml.replace(/<Burgerservicenr><\/Burgerservicenr>/, '');
  const response = await http.request({ url: endpoint, method: 'POST', headers: SOAP_HEADERS, body, classify: () => undefined });
  const classified = classifyAnswer(response, service);
  if (!(classified instanceof WerkbrugError)) return { ok: true, detail: `${service.operation} answered` };
  if (classified.code === 'WB_PARTNER_REQUEST_REJECTED' && /FWI0030/.test(classified.message)) return { ok: true, detail: `${service.operation} answered (FWI0030 to a question without a BSN, as expected)` };
  const code = classified.code === 'WB_PARTNER_AUTH' ? 'WB_PARTNER_AUTH' : classified.code === 'WB_PARTNER_UNREACHABLE' ? 'WB_PARTNER_UNREACHABLE' : 'WB_PARTNER_REQUEST_REJECTED';
  return { ok: false, code, detail: classified.message };
}

async function check(config: UwvSuwinetConfig, http: PartnerHttp): Promise<CheckResult> {
  try {
    for (const service of [IKV, WV]) {
      const result = await checkService(config, http, service);
      if (!result.ok) return result;
    }
    return { ok: true, detail: 'both SuwiML services answered and accepted the token' };
  } catch (error) {
    if (error instanceof WerkbrugError) return { ok: false, code: error.code === 'WB_PARTNER_AUTH' ? 'WB_PARTNER_AUTH' : error.code === 'WB_PARTNER_UNREACHABLE' ? 'WB_PARTNER_UNREACHABLE' : 'WB_PARTNER_REQUEST_REJECTED', detail: error.message };
    throw error;
  }
}

export const uwvSuwinetConnector: Connector<UwvSuwinetConfig, PersonItem> = {
  id: 'uwv-suwinet',
  version: '0.1.0',
  mappingVersion: '2026.11',
  kind: 'soap',
  asksPerPerson: true,
  configSchema: uwvSuwinetConfigSchema,
  describe,
  check,
  pull: (config, stream, from, http, context) => pullUwv(config, stream, from, http, context),
  edge: uwvEdge,
};

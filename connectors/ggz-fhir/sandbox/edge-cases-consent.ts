import { addMonths } from '../../../src/sandbox/index.js';
import {
  buildConsent, buildEpisodeOfCare, buildPatient, consentPlan, edgePerson, edgeTime, type EdgeCase, type EdgeCaseSet, type EdgeKit,
  episodePlan, patientPlan, served,
} from './edge-case-kit.js';
import { isJsonObject, type JsonObject } from './fhir-json.js';
import { ARBEIDSMARKTREGIO_SYSTEM, PARTICIPATION_TYPE_SYSTEM, PURPOSE_SYSTEM } from './fhir-systems.js';
import type { StoredVersion } from './resource-store.js';

/**
 * E28, the Consents that test `partners/ggz-fhir-r4.md` §5 rule by rule, each for its own client
 * (with an active trajectory, so a decision is needed), and the two control-served paging cases.
 */
function provision(consent: JsonObject, change: (provision: JsonObject) => JsonObject): JsonObject {
  return { ...consent, provision: change(isJsonObject(consent.provision) ? consent.provision : {}) };
}

export function consentEdgeCases(kit: EdgeKit): EdgeCaseSet {
  const versions: StoredVersion[] = [];
  const ids: string[] = [];
  const lastMonth = addMonths(`${kit.todayDate.slice(0, 8)}15`, -1);

  const consentCase = (k: number, label: string, patch: (consent: JsonObject) => JsonObject, withPatient = true): void => {
    const id = `edge-28-${label}`;
    const patient = patientPlan(kit, 28, `${id}-patient`, edgePerson(28, k), k * 4);
    const consent = consentPlan(kit, 28, id, { lastUpdatedMs: edgeTime(kit, 28, k * 4 + 2), identifierValue: `TST-E-28-${k}` });
    ids.push(id);
    if (!withPatient) {
      versions.push(served(patch(buildConsent(consent, undefined)), consent));
      return;
    }
    const episode = episodePlan(kit, 28, `${id}-eoc`, { lastUpdatedMs: edgeTime(kit, 28, k * 4 + 1), identifierValue: `IPS-E-28-${k}` });
    versions.push(served(buildPatient(patient), patient), served(buildEpisodeOfCare(episode, patient), episode), served(patch(buildConsent(consent, patient)), consent));
  };

  consentCase(0, 'unknown-purpose', (consent) => provision(consent, (p) => ({ ...p, purpose: [{ system: PURPOSE_SYSTEM, code: 'P_ONBEKEND' }] })));
  consentCase(1, 'permit-no-purpose', (consent) => provision(consent, (p) => ({ ...p, purpose: undefined })));
  consentCase(2, 'period-ended', (consent) => provision(consent, (p) => ({ ...p, period: { start: '2024-03-01', end: lastMonth } })));
  consentCase(3, 'nested-deny', (consent) => provision(consent, (p) => ({ ...p, provision: [{ type: 'deny', purpose: [{ system: PURPOSE_SYSTEM, code: 'P_VERANTWOORDING_COFIN' }] }] })));
  consentCase(4, 'draft', (consent) => ({ ...consent, status: 'draft' }));
  consentCase(5, 'no-patient', (consent) => consent, false);
  consentCase(6, 'other-region', (consent) => provision(consent, (p) => ({
    ...p,
    actor: [{ role: { coding: [{ system: PARTICIPATION_TYPE_SYSTEM, code: 'PRCP' }] }, reference: { identifier: { system: ARBEIDSMARKTREGIO_SYSTEM, value: 'AM14' } } }],
  })));

  // Two active Consents of one client, same dateTime and lastUpdated, permit and deny: deny wins.
  const patient = patientPlan(kit, 28, 'edge-28-conflict-patient', edgePerson(28, 9), 40);
  const at = edgeTime(kit, 28, 42);
  const permit = consentPlan(kit, 28, 'edge-28-conflict-permit', { lastUpdatedMs: at, identifierValue: 'TST-E-28-P' });
  const deny = consentPlan(kit, 28, 'edge-28-conflict-deny', { lastUpdatedMs: at, identifierValue: 'TST-E-28-D' });
  const episode = episodePlan(kit, 28, 'edge-28-conflict-eoc', { lastUpdatedMs: edgeTime(kit, 28, 41), identifierValue: 'IPS-E-28-C' });
  versions.push(
    served(buildPatient(patient), patient),
    served(buildEpisodeOfCare(episode, patient), episode),
    served(buildConsent(permit, patient), permit),
    served(provision(buildConsent(deny, patient), (p) => ({ ...p, type: 'deny' })), deny),
  );
  ids.push('edge-28-conflict-permit', 'edge-28-conflict-deny');

  const cases: EdgeCase[] = [
    { code: 'E28', ids, servedBy: 'data', what: 'Consents: unknown purpose only; permit without purpose; period ended last month; nested deny for P_VERANTWOORDING_COFIN; draft; no patient; permit and deny with equal dateTime; actor for AM14' },
    {
      code: 'E26', ids: ['edge-26-foreign-next-link'], servedBy: 'control', what: 'next links on another origin',
      control: 'POST /__control/paging {"nextOrigin":"http://127.0.0.2:9"} (reset or {"nextOrigin":null} undoes it)',
    },
    {
      code: 'E29', ids: ['edge-29-count-ignored'], servedBy: 'control', what: 'the server ignores _count and serves pages of its own size',
      control: 'POST /__control/paging {"pageSize":500}',
    },
  ];
  return { cases, versions };
}

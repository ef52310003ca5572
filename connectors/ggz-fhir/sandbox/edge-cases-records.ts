import { fullName } from '../../../src/sandbox/index.js';
import type { PatientPlan } from './care-plan.js';
import {
  buildConsent, buildEpisodeOfCare, buildPatient, buildServiceRequest, consentPlan, edgePerson, edgeTime, type EdgeCase, type EdgeCaseSet,
  type EdgeKit, episodePlan, patientPlan, referralPlan, served,
} from './edge-case-kit.js';
import { escapeXhtml } from './resource-builders.js';
import { LOCAL_IPS_SYSTEM, VERWIJZING_SYSTEM } from './fhir-systems.js';
import { deletionVersion, jsonVersion } from './json-version.js';
import type { StoredVersion } from './resource-store.js';

/** Edge cases about one record's content and versions (E11–E14, E16–E25, E30). */
const DAY = 86_400_000;

function repeatText(sentence: string, bytes: number): string {
  return sentence.repeat(Math.ceil(bytes / Buffer.byteLength(sentence, 'utf8'))).slice(0, bytes);
}

export function recordEdgeCases(kit: EdgeKit): EdgeCaseSet {
  const versions: StoredVersion[] = [];
  const cases: EdgeCase[] = [];
  /** The case's client: a valid Patient with consent for both purposes, so only the case's defect bites. */
  const client = (nn: number): PatientPlan => {
    const patient = patientPlan(kit, nn, `edge-${String(nn).padStart(2, '0')}-patient`, edgePerson(nn));
    const consent = consentPlan(kit, nn, `edge-${String(nn).padStart(2, '0')}-consent`);
    versions.push(served(buildPatient(patient), patient), served(buildConsent(consent, patient), consent));
    return patient;
  };
  const add = (edge: EdgeCase, list: StoredVersion[]): void => {
    cases.push(edge);
    versions.push(...list);
  };

  const p11 = client(11);
  const sr11 = referralPlan(kit, 11, 'edge-11-status-suspended');
  add({ code: 'E11', ids: ['edge-11-status-suspended'], servedBy: 'data', what: 'ServiceRequest status "suspended" (not an R4 code)' },
    [served({ ...buildServiceRequest(sr11, p11), status: 'suspended' }, sr11)]);

  const p12 = client(12);
  const eoc12 = episodePlan(kit, 12, 'edge-12-local-ips-code');
  add({ code: 'E12', ids: ['edge-12-local-ips-code'], servedBy: 'data', what: `EpisodeOfCare coded only ${LOCAL_IPS_SYSTEM}|IPS` },
    [served({ ...buildEpisodeOfCare(eoc12, p12), type: [{ coding: [{ system: LOCAL_IPS_SYSTEM, code: 'IPS', display: 'IPS-traject' }] }] }, eoc12)]);

  const p13 = client(13);
  const sr13 = referralPlan(kit, 13, 'edge-13-invalid-authored');
  const eoc13 = episodePlan(kit, 13, 'edge-13-template-placeholder');
  const cns13 = consentPlan(kit, 13, 'edge-13-datetime-no-offset', { lastUpdatedMs: edgeTime(kit, 13, 4) });
  const placeholder = '${DATE, T, D, -20}';
  add({ code: 'E13', ids: ['edge-13-invalid-authored', 'edge-13-template-placeholder', 'edge-13-datetime-no-offset'], servedBy: 'data', what: 'authoredOn 2025-02-30; period.start a template placeholder; dateTime without offset' }, [
    served({ ...buildServiceRequest(sr13, p13), authoredOn: '2025-02-30' }, sr13),
    served({ ...buildEpisodeOfCare(eoc13, p13), period: { start: placeholder }, statusHistory: [{ status: 'active', period: { start: placeholder } }] }, eoc13),
    served({ ...buildConsent(cns13, p13), dateTime: '2025-03-01T10:00:00' }, cns13),
  ]);

  const p14 = client(14);
  const eoc14 = episodePlan(kit, 14, 'edge-14-end-before-start', { status: 'finished', activeFrom: '2025-03-01', end: '2025-02-01', endReason: 'END_OTHER' });
  add({ code: 'E14', ids: ['edge-14-end-before-start'], servedBy: 'data', what: 'period.end before period.start' },
    [served({ ...buildEpisodeOfCare(eoc14, p14), statusHistory: [{ status: 'active', period: { start: '2025-03-01', end: '2025-02-01' } }] }, eoc14)]);

  const p16 = client(16);
  const eoc16 = episodePlan(kit, 16, 'edge-16-repeated-across-pages');
  add({ code: 'E16', ids: ['edge-16-repeated-across-pages'], servedBy: 'data', what: 'the same id and versionId again at the top of the next page (when the result has one)' },
    [served(buildEpisodeOfCare(eoc16, p16), eoc16, { repeatOnNextPage: true })]);

  const p17 = client(17);
  const eoc17 = episodePlan(kit, 17, 'edge-17-version-regression', { versionId: '3' });
  add({
    code: 'E17', ids: ['edge-17-version-regression'], servedBy: 'data+control', what: 'version 3 served; version 2 of it served in a later run',
    control: 'PUT /__control/records/EpisodeOfCare/edge-17-version-regression?versionId=2 with the older content',
  }, [served(buildEpisodeOfCare(eoc17, p17), eoc17)]);

  const p18 = client(18);
  const eoc18 = episodePlan(kit, 18, 'edge-18-same-version-new-content');
  const changed18 = { ...eoc18, status: 'finished' as const, end: '2025-06-30', endReason: 'END_CLIENT_STOPPED' as const };
  add({
    code: 'E18', ids: ['edge-18-same-version-new-content'], servedBy: 'data+control', what: 'same id and versionId, different content (repeated on the next page with other content)',
    control: 'PUT /__control/records/EpisodeOfCare/edge-18-same-version-new-content?versionId=1 with other content',
  }, [served(buildEpisodeOfCare(eoc18, p18), eoc18, {
    repeatOnNextPage: true,
    repeatBody: () => jsonVersion(buildEpisodeOfCare(changed18, p18), eoc18).body({ origin: '' }),
  })]);

  const p19 = client(19);
  const eoc19 = episodePlan(kit, 19, 'edge-19-late-commit');
  add({
    code: 'E19', ids: ['edge-19-late-commit'], servedBy: 'data+control', what: 'a version committed with lastUpdated 60 s before versions already served',
    control: 'PUT /__control/records/EpisodeOfCare/edge-19-late-commit?lastUpdated=<newest served − 60 s>',
  }, [served(buildEpisodeOfCare(eoc19, p19), eoc19)]);

  const p20 = client(20);
  const sr20 = referralPlan(kit, 20, 'edge-20-deleted-referral');
  add({ code: 'E20', ids: ['edge-20-deleted-referral'], servedBy: 'data', what: 'a ServiceRequest deleted: DELETE in _history, read answers 410' }, [
    served(buildServiceRequest(sr20, p20), sr20),
    deletionVersion('ServiceRequest', sr20.id, '2', kit.anchorMs - 2 * DAY + 14 * 3_600_000),
  ]);

  const p21 = client(21);
  const retractedAt = kit.anchorMs - 3 * DAY + 11 * 3_600_000;
  const sr21 = referralPlan(kit, 21, 'edge-21-entered-in-error-referral');
  const eoc21 = episodePlan(kit, 21, 'edge-21-entered-in-error-trajectory');
  const cns21 = consentPlan(kit, 21, 'edge-21-entered-in-error-consent', { lastUpdatedMs: edgeTime(kit, 21, 4) });
  const retract = (offset: number): { versionId: string; lastUpdatedMs: number } => ({ versionId: '2', lastUpdatedMs: retractedAt + offset * 1000 });
  add({ code: 'E21', ids: ['edge-21-entered-in-error-referral', 'edge-21-entered-in-error-trajectory', 'edge-21-entered-in-error-consent'], servedBy: 'data', what: 'status entered-in-error (version 2) on a ServiceRequest, an EpisodeOfCare and a Consent' }, [
    served(buildServiceRequest(sr21, p21), sr21),
    served(buildEpisodeOfCare(eoc21, p21), eoc21),
    served(buildConsent(cns21, p21), cns21),
    served({ ...buildServiceRequest(sr21, p21), status: 'entered-in-error' }, retract(0)),
    served({ ...buildEpisodeOfCare(eoc21, p21), status: 'entered-in-error' }, retract(1)),
    served({ ...buildConsent(cns21, p21), status: 'entered-in-error' }, retract(2)),
  ]);

  const p22 = client(22);
  const sr22 = referralPlan(kit, 22, 'edge-22-huge-free-text');
  const sentence = `Gesprek met ${fullName(p22.person)} (BSN ${p22.person.bsn}) over werk in de zorg; moeder belde ook. `;
  add({ code: 'E22', ids: ['edge-22-huge-free-text'], servedBy: 'data', what: 'note[0].text of 1 MiB and text.div of 2 MiB with a name and a BSN' }, [
    served({
      ...buildServiceRequest(sr22, p22),
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXhtml(repeatText(sentence, 2 * 1024 * 1024))}</div>` },
      note: [{ text: repeatText(sentence, 1024 * 1024) }],
    }, sr22),
  ]);

  const p23 = client(23);
  const sr23 = referralPlan(kit, 23, 'edge-23-bsn-in-identifier');
  add({ code: 'E23', ids: ['edge-23-bsn-in-identifier'], servedBy: 'data', what: 'a BSN and a name inside identifier.value (VW-999990019-SanneDeVries)' },
    [served({ ...buildServiceRequest(sr23, p23), identifier: [{ system: VERWIJZING_SYSTEM, value: 'VW-999990019-SanneDeVries' }] }, sr23)]);

  cases.push({ code: 'E24', ids: ['edge-24-search-warning'], servedBy: 'data', what: 'an OperationOutcome entry (search.mode outcome) on the first page of every search' });

  const p25 = client(25);
  const eoc25 = episodePlan(kit, 25, 'edge-25-unknown-modifier');
  add({ code: 'E25', ids: ['edge-25-unknown-modifier'], servedBy: 'data', what: 'a modifierExtension the connector does not know' },
    [served({ ...buildEpisodeOfCare(eoc25, p25), modifierExtension: [{ url: 'https://ggz-sandbox.example/fhir/StructureDefinition/vertrouwelijk', valueBoolean: true }] }, eoc25)]);

  const p30 = client(30);
  const eoc30 = episodePlan(kit, 30, 'edge-30-display-only-referral');
  add({ code: 'E30', ids: ['edge-30-display-only-referral'], servedBy: 'data', what: 'referralRequest with only a display, no reference' },
    [served({ ...buildEpisodeOfCare(eoc30, p30), referralRequest: [{ display: 'Verwijzing door de huisarts (brief van 12 maart)' }] }, eoc30)]);
  return { cases, versions };
}

import { P1, P8, X1, X2 } from '../../../src/sandbox/index.js';
import {
  buildConsent, buildPatient, buildServiceRequest, consentPlan, edgeBsn, edgePerson, type EdgeCase, type EdgeCaseSet, type EdgeKit,
  patientPlan, personCase, referralPlan, served, servedWith,
} from './edge-case-kit.js';
import type { JsonObject } from './fhir-json.js';
import { BSN_OID_SYSTEM, BSN_SYSTEM, PATIENTNUMMER_SYSTEM } from './fhir-systems.js';
import type { StoredVersion } from './resource-store.js';

/** Edge cases about who the record is about: the BSN (E01–E07, E15, E27) and the reference (E08–E10). */
const identifiers = (patient: JsonObject, identifier: JsonObject[]): JsonObject => ({
  ...patient,
  identifier: [...identifier, { system: PATIENTNUMMER_SYSTEM, value: `GGZ-${String(patient.id)}` }],
});

export function identityEdgeCases(kit: EdgeKit): EdgeCaseSet {
  const versions: StoredVersion[] = [];
  const cases: EdgeCase[] = [];
  const add = (edge: EdgeCase, list: StoredVersion[]): void => {
    cases.push(edge);
    versions.push(...list);
  };

  add({ code: 'E01', ids: ['edge-01-no-bsn', 'edge-01-no-bsn-eoc', 'edge-01-no-bsn-consent'], servedBy: 'data', what: 'Patient with only a local patient number, no BSN' },
    personCase(kit, 1, 'edge-01-no-bsn', edgePerson(1), (patient) => ({ ...identifiers(patient, []), text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Cliënt zonder BSN in het EPD</div>' } })));
  add({ code: 'E02', ids: ['edge-02-x1-invalid-bsn', 'edge-02-x2-invalid-bsn'], servedBy: 'data', what: 'BSNs 999990010 (X1) and 123456789 (X2), failing the 11-proef' }, [
    ...personCase(kit, 2, 'edge-02-x1-invalid-bsn', X1),
    ...personCase(kit, 2, 'edge-02-x2-invalid-bsn', X2, undefined, 1),
  ]);
  add({ code: 'E03', ids: ['edge-03-bsn-leading-zero-lost'], servedBy: 'data', what: 'BSN 10000021 (leading zero lost), links with P8' },
    personCase(kit, 3, 'edge-03-bsn-leading-zero-lost', { ...P8, bsn: '10000021' }));
  add({ code: 'E04', ids: ['edge-04-bsn-spaces', 'edge-04-bsn-dots'], servedBy: 'data', what: 'BSN written 999 990 019 and 999.990.019 (P1)' }, [
    ...personCase(kit, 4, 'edge-04-bsn-spaces', { ...P1, bsn: '999 990 019' }),
    ...personCase(kit, 4, 'edge-04-bsn-dots', { ...P1, bsn: '999.990.019' }, undefined, 1),
  ]);
  add({ code: 'E05', ids: ['edge-05-bsn-oid'], servedBy: 'data', what: 'BSN under urn:oid:2.16.840.1.113883.2.4.6.3' },
    personCase(kit, 5, 'edge-05-bsn-oid', edgePerson(5), (patient) => identifiers(patient, [{ system: BSN_OID_SYSTEM, value: edgeBsn(5) }])));
  add({ code: 'E06', ids: ['edge-06-empty-bsn-identifier'], servedBy: 'data', what: 'a BSN identifier with system but no value, next to a valid one' },
    personCase(kit, 6, 'edge-06-empty-bsn-identifier', edgePerson(6), (patient) => identifiers(patient, [{ system: BSN_SYSTEM }, { system: BSN_SYSTEM, value: edgeBsn(6) }])));
  add({ code: 'E07', ids: ['edge-07-two-bsns'], servedBy: 'data', what: 'two different valid BSNs on one Patient' },
    personCase(kit, 7, 'edge-07-two-bsns', edgePerson(7), (patient) => identifiers(patient, [{ system: BSN_SYSTEM, value: edgeBsn(7) }, { system: BSN_SYSTEM, value: edgeBsn(7, 1) }])));

  // E08: the referral names its client only by BSN; the Patient and consent exist under that BSN.
  const person8 = edgePerson(8);
  const patient8 = patientPlan(kit, 8, 'edge-08-patient', person8);
  const referral8 = referralPlan(kit, 8, 'edge-08-subject-identifier');
  const consent8 = consentPlan(kit, 8, 'edge-08-consent');
  add({ code: 'E08', ids: ['edge-08-subject-identifier', 'edge-08-patient', 'edge-08-consent'], servedBy: 'data', what: 'subject with only a BSN identifier, no reference' }, [
    served(buildPatient(patient8), patient8),
    served({ ...buildServiceRequest(referral8, patient8), subject: { identifier: { system: BSN_SYSTEM, value: person8.bsn }, display: `${person8.givenName} ${person8.familyName}` } }, referral8),
    served(buildConsent(consent8, patient8), consent8),
  ]);

  const person9 = edgePerson(9);
  const patient9 = patientPlan(kit, 9, 'edge-09-patient', person9);
  const consent9 = consentPlan(kit, 9, 'edge-09-consent');
  const referral9 = (id: string, minute: number): ReturnType<typeof referralPlan> => referralPlan(kit, 9, id, { lastUpdatedMs: patient9.lastUpdatedMs + minute * 60_000, identifierValue: `VW-E-9-${minute}` });
  const absolute = referral9('edge-09-absolute-reference', 4);
  const versioned = referral9('edge-09-versioned-reference', 5);
  const contained = referral9('edge-09-contained-reference', 6);
  add({ code: 'E09', ids: ['edge-09-absolute-reference', 'edge-09-versioned-reference', 'edge-09-contained-reference'], servedBy: 'data', what: 'subject.reference absolute, versioned and contained (#p1)' }, [
    served(buildPatient(patient9), patient9),
    served(buildConsent(consent9, patient9), consent9),
    servedWith((context) => ({ ...buildServiceRequest(absolute, patient9), subject: { reference: `${context.origin}/fhir/Patient/edge-09-patient` } }), absolute),
    served({ ...buildServiceRequest(versioned, patient9), subject: { reference: 'Patient/edge-09-patient/_history/1' } }, versioned),
    served({
      ...buildServiceRequest(contained, patient9),
      contained: [{ resourceType: 'Patient', id: 'p1', identifier: [{ system: BSN_SYSTEM, value: person9.bsn }], birthDate: person9.birthDate }],
      subject: { reference: '#p1' },
    }, contained),
  ]);

  const referral10 = referralPlan(kit, 10, 'edge-10-missing-patient');
  add({ code: 'E10', ids: ['edge-10-missing-patient'], servedBy: 'data', what: 'ServiceRequest whose Patient is not included and answers 404 on read' }, [
    served({ ...buildServiceRequest(referral10, patientPlan(kit, 10, 'edge-10-patient-gone', edgePerson(10))), subject: { reference: 'Patient/edge-10-patient-gone' } }, referral10),
  ]);

  add({ code: 'E15', ids: ['edge-15-birth-year-only', 'edge-15-birth-year-month'], servedBy: 'data', what: 'birthDate "1991" and "1991-06"' }, [
    ...personCase(kit, 15, 'edge-15-birth-year-only', edgePerson(15, 0, { birthDate: '1991' })),
    ...personCase(kit, 15, 'edge-15-birth-year-month', edgePerson(15, 1, { birthDate: '1991-06' }), undefined, 1),
  ]);

  const bom = { bom: true };
  add({ code: 'E27', ids: ['edge-27-yildiz', 'edge-27-zoe', 'edge-27-ijsbrand'], servedBy: 'data', what: 'non-ASCII names; pages holding them start with a UTF-8 BOM' }, [
    ...personCase(kit, 27, 'edge-27-yildiz', edgePerson(27, 0, { givenName: 'Ayşe', familyName: 'Yıldız', familyPrefix: undefined }), undefined, 0, bom),
    ...personCase(kit, 27, 'edge-27-zoe', edgePerson(27, 1, { givenName: 'Zoë', familyPrefix: 'de', familyName: 'Wit' }), undefined, 1, bom),
    ...personCase(kit, 27, 'edge-27-ijsbrand', edgePerson(27, 2, { givenName: 'IJsbrand', familyPrefix: "van 't", familyName: 'Hek' }), undefined, 2, bom),
  ]);
  return { cases, versions };
}

import { amsterdamDate, formatAmsterdamInstant, fullName } from '../../../src/sandbox/index.js';
import type { CarePlan, ConsentVersionPlan, EpisodePlan, PatientPlan, ReferralPlan } from './care-plan.js';
import type { JsonObject } from './fhir-json.js';
import {
  ACT_CODE_SYSTEM, ARBEIDSMARKTREGIO_SYSTEM, BSN_SYSTEM, CONSENT_ACTION_SYSTEM, CONSENT_CATEGORY_SYSTEM, CONSENT_FORM_SYSTEM,
  CONSENT_SCOPE_SYSTEM, extensionUrl, FUNDING_STREAM_SYSTEM, GEMEENTECODE_SYSTEM, GGZ_URA, IPS_SYSTEM, IPS_TRAJECT_SYSTEM, LOINC_SYSTEM,
  NICTIZ_EOC_NAME, OUTCOME_SYSTEM, PARTICIPATION_TYPE_SYSTEM, PATIENTNUMMER_SYSTEM, PURPOSE_SYSTEM, REFERRER_TYPE_SYSTEM, SNOMED_SYSTEM,
  TOESTEMMING_SYSTEM, URA_SYSTEM, VERWIJZING_SYSTEM,
} from './fhir-systems.js';

/**
 * FHIR JSON for the plans of `care-plan.ts`, shaped like the examples of `partners/ggz-fhir-r4.md`
 * §6, personal data included: names, addresses, telecom, narratives with the BSN, `display`
 * strings with the client's name, free-text notes. That is what the pipeline must drop.
 */
const XHTML = 'http://www.w3.org/1999/xhtml';
const ORGANISATION = { identifier: { system: URA_SYSTEM, value: GGZ_URA } };

export function escapeXhtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function narrative(parts: readonly string[]): JsonObject {
  return { status: 'generated', div: `<div xmlns="${XHTML}">${escapeXhtml(parts.filter(Boolean).join(', '))}</div>` };
}

function meta(stamp: { versionId: string; lastUpdatedMs: number }, profile?: string): JsonObject {
  return { versionId: stamp.versionId, lastUpdated: formatAmsterdamInstant(stamp.lastUpdatedMs), profile: profile ? [profile] : undefined };
}

function dutchDate(date: string): string {
  const [year, month, day] = date.split('-');
  return day && month ? `${day}-${month}-${year}` : date;
}

function coding(system: string, code: string, display?: string): JsonObject {
  return { system, code, display };
}

export function buildPatient(plan: PatientPlan): JsonObject {
  const { person } = plan;
  const name = fullName(person);
  const line = plan.addressLine ?? `${person.street} ${person.houseNumber}`;
  const family = person.familyPrefix ? `${person.familyPrefix} ${person.familyName}` : person.familyName;
  return {
    resourceType: 'Patient',
    id: plan.id,
    meta: meta(plan, 'http://nictiz.nl/fhir/StructureDefinition/nl-core-Patient'),
    text: narrative([name, `BSN ${person.bsn}`, dutchDate(person.birthDate), line, person.gemeenteName, ...(plan.notes ?? [])]),
    identifier: [
      { system: BSN_SYSTEM, value: person.bsn },
      { system: PATIENTNUMMER_SYSTEM, value: plan.patientNumber },
    ],
    name: [{
      use: 'official',
      text: name,
      family,
      _family: person.familyPrefix
        ? { extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/humanname-own-prefix', valueString: person.familyPrefix },
            { url: 'http://hl7.org/fhir/StructureDefinition/humanname-own-name', valueString: person.familyName },
          ] }
        : undefined,
      given: [person.givenName],
    }],
    telecom: [{ system: 'phone', value: person.phone, use: 'mobile' }],
    gender: person.gender,
    birthDate: person.birthDate,
    address: [{
      use: 'home',
      line: [line],
      _line: plan.addressLine === undefined
        ? [{ extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName', valueString: person.street },
            { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber', valueString: person.houseNumber },
          ] }]
        : undefined,
      city: person.gemeenteName,
      district: person.gemeenteName,
      postalCode: person.postalCode,
      country: 'NL',
    }],
    managingOrganization: ORGANISATION,
  };
}

function requester(plan: ReferralPlan, patient: PatientPlan): JsonObject | undefined {
  switch (plan.referrerType) {
    case 'gemeente':
      return { identifier: { system: GEMEENTECODE_SYSTEM, value: patient.person.gemeenteCode }, display: `Gemeente ${patient.person.gemeenteName}, Werk en Inkomen` };
    case 'ggz-treatment-team':
    case 'ggz-support-team':
      return { identifier: { system: URA_SYSTEM, value: GGZ_URA }, display: plan.referrerType === 'ggz-treatment-team' ? 'FACT-team' : 'Team begeleid wonen' };
    default:
      return undefined;
  }
}

export function buildServiceRequest(plan: ReferralPlan, patient: PatientPlan): JsonObject {
  const name = fullName(patient.person);
  return {
    resourceType: 'ServiceRequest',
    id: plan.id,
    meta: meta(plan),
    text: plan.notes ? narrative([`Verwijzing IPS voor ${name}`, ...plan.notes]) : undefined,
    extension: [
      plan.referrerType ? { url: extensionUrl('referrer-type'), valueCoding: coding(REFERRER_TYPE_SYSTEM, plan.referrerType) } : undefined,
      plan.endReason ? { url: extensionUrl('ips-end-reason'), valueCoding: coding(OUTCOME_SYSTEM, plan.endReason) } : undefined,
    ].filter((item) => item !== undefined),
    identifier: [{ system: VERWIJZING_SYSTEM, value: plan.identifierValue }],
    status: plan.status,
    intent: 'order',
    category: [{ coding: [coding(SNOMED_SYSTEM, '3457005', 'Patient referral')] }],
    code: { coding: [coding(IPS_SYSTEM, 'ips-referral', 'Verwijzing naar IPS-trajectbegeleiding')] },
    subject: { reference: `Patient/${patient.id}`, display: name },
    authoredOn: formatAmsterdamInstant(plan.authoredMs).replace(/\.\d{3}/, ''),
    requester: requester(plan, patient),
    performer: [ORGANISATION],
    note: plan.notes?.map((text) => ({ time: formatAmsterdamInstant(plan.authoredMs + 120_000).replace(/\.\d{3}/, ''), text })),
  };
}

function dateExtension(name: string, value: string | undefined): JsonObject | undefined {
  return value === undefined ? undefined : { url: extensionUrl(name), valueDate: value };
}

function statusHistory(plan: EpisodePlan): JsonObject[] {
  const queued = plan.status === 'planned' ? 'planned' : 'waitlist';
  if (!plan.activeFrom) return [{ status: queued, period: { start: plan.queuedFrom } }];
  const dayBefore = (date: string): string => amsterdamDate(Date.parse(`${date}T12:00:00Z`) - 86_400_000);
  const history: JsonObject[] = [{ status: queued, period: { start: plan.queuedFrom, end: dayBefore(plan.activeFrom) } }];
  const activeEnd = plan.onholdFrom ? dayBefore(plan.onholdFrom) : plan.end;
  history.push({ status: 'active', period: { start: plan.activeFrom, end: activeEnd } });
  if (plan.onholdFrom) history.push({ status: 'onhold', period: { start: plan.onholdFrom } });
  return history;
}

export function buildEpisodeOfCare(plan: EpisodePlan, patient: PatientPlan): JsonObject {
  const name = fullName(patient.person);
  return {
    resourceType: 'EpisodeOfCare',
    id: plan.id,
    meta: meta(plan, 'http://nictiz.nl/fhir/StructureDefinition/nl-core-EpisodeOfCare'),
    text: plan.notes ? narrative([`IPS-traject ${name}`, ...plan.notes]) : undefined,
    extension: [
      { url: NICTIZ_EOC_NAME, valueString: `IPS ${patient.person.givenName}` },
      plan.fundingStream ? { url: extensionUrl('ips-funding-stream'), valueCoding: coding(FUNDING_STREAM_SYSTEM, plan.fundingStream) } : undefined,
      dateExtension('ips-first-employer-contact', plan.firstEmployerContact),
      dateExtension('ips-work-start-reported', plan.workStartReported),
      plan.endReason ? { url: extensionUrl('ips-end-reason'), valueCoding: coding(OUTCOME_SYSTEM, plan.endReason) } : undefined,
      dateExtension('ips-planned-end', plan.plannedEnd),
      dateExtension('ips-extension', plan.extendedOn),
      dateExtension('ips-education-start', plan.educationStart),
      plan.inWorkAtStart === undefined ? undefined : { url: extensionUrl('ips-in-work-at-start'), valueBoolean: plan.inWorkAtStart },
    ].filter((item) => item !== undefined),
    identifier: [{ system: IPS_TRAJECT_SYSTEM, value: plan.identifierValue }],
    status: plan.status,
    statusHistory: statusHistory(plan),
    type: [{ coding: [coding(IPS_SYSTEM, 'ips-trajectory')] }],
    diagnosis: plan.diagnosis ? [{ condition: { reference: `Condition/cnd-${plan.id.replace(/^eoc-(ips-)?/, '')}`, display: plan.diagnosis }, rank: 1 }] : undefined,
    patient: { reference: `Patient/${patient.id}`, display: name },
    managingOrganization: ORGANISATION,
    period: plan.activeFrom ? { start: plan.activeFrom, end: plan.end } : undefined,
    referralRequest: plan.referralId ? [{ reference: `ServiceRequest/${plan.referralId}` }] : undefined,
    careManager: { reference: `Practitioner/prac-${(plan.careManager.length % 17) + 1}`, display: `${plan.careManager} (IPS-trajectbegeleider)` },
  };
}

export function buildConsent(plan: ConsentVersionPlan, patient: PatientPlan | undefined): JsonObject {
  return {
    resourceType: 'Consent',
    id: plan.id,
    meta: meta(plan),
    extension: plan.form ? [{ url: extensionUrl('consent-form'), valueCoding: coding(CONSENT_FORM_SYSTEM, plan.form) }] : undefined,
    identifier: [{ system: TOESTEMMING_SYSTEM, value: plan.identifierValue }],
    status: plan.status,
    scope: { coding: [coding(CONSENT_SCOPE_SYSTEM, 'patient-privacy')] },
    category: [
      { coding: [coding(LOINC_SYSTEM, '59284-0', 'Patient Consent')] },
      { coding: [coding(CONSENT_CATEGORY_SYSTEM, 'ips-data-sharing')] },
    ],
    patient: patient ? { reference: `Patient/${patient.id}` } : undefined,
    dateTime: formatAmsterdamInstant(plan.dateTimeMs).replace(/\.\d{3}/, ''),
    performer: patient ? [{ reference: `Patient/${patient.id}` }] : undefined,
    organization: [ORGANISATION],
    policyRule: { coding: [coding(ACT_CODE_SYSTEM, 'OPTIN')] },
    provision: {
      type: 'permit',
      period: { start: plan.periodStart, end: plan.periodEnd },
      actor: [{
        role: { coding: [coding(PARTICIPATION_TYPE_SYSTEM, 'PRCP')] },
        reference: { identifier: { system: ARBEIDSMARKTREGIO_SYSTEM, value: 'AM13' }, display: 'Arbeidsmarktregio Midden-Utrecht' },
      }],
      action: [{ coding: [coding(CONSENT_ACTION_SYSTEM, 'disclose')] }],
      purpose: plan.purposes.map((purpose) => coding(PURPOSE_SYSTEM, purpose)),
    },
  };
}

/** Every resource of a plan, current versions and retained older ones, as JSON (tests, fixtures). */
export function buildPlanResources(plan: CarePlan): JsonObject[] {
  return [
    buildPatient(plan.patient),
    ...(plan.referral ? [buildServiceRequest(plan.referral, plan.patient)] : []),
    ...(plan.episode ? [buildEpisodeOfCare(plan.episode, plan.patient)] : []),
    ...plan.consents.flat().map((version) => buildConsent(version, plan.patient)),
  ];
}

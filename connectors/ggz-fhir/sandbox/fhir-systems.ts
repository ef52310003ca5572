/**
 * URIs of `partners/ggz-fhir-r4.md` §2 and the FHIR/HL7 systems the sandbox EPD uses, compared as
 * exact strings. The `.example` ones are werkbrug-defined placeholders until the region owns a domain.
 */
export const BSN_SYSTEM = 'http://fhir.nl/fhir/NamingSystem/bsn';
export const BSN_OID_SYSTEM = 'urn:oid:2.16.840.1.113883.2.4.6.3';
export const URA_SYSTEM = 'http://fhir.nl/fhir/NamingSystem/ura';
export const GGZ_URA = '90000382';

const WERKBRUG = 'https://werkbrug.example/fhir';
export const IPS_SYSTEM = `${WERKBRUG}/CodeSystem/ips`;
export const PURPOSE_SYSTEM = `${WERKBRUG}/CodeSystem/purpose`;
export const CONSENT_CATEGORY_SYSTEM = `${WERKBRUG}/CodeSystem/consent-category`;
export const REFERRER_TYPE_SYSTEM = `${WERKBRUG}/CodeSystem/referrer-type`;
export const CONSENT_FORM_SYSTEM = `${WERKBRUG}/CodeSystem/consent-form`;
export const OUTCOME_SYSTEM = `${WERKBRUG}/CodeSystem/outcome`;
export const FUNDING_STREAM_SYSTEM = `${WERKBRUG}/CodeSystem/funding-stream`;
export const ARBEIDSMARKTREGIO_SYSTEM = `${WERKBRUG}/NamingSystem/arbeidsmarktregio`;
export const GEMEENTECODE_SYSTEM = `${WERKBRUG}/NamingSystem/gemeentecode`;
export const EXTENSION_BASE = `${WERKBRUG}/StructureDefinition/`;

const LOCAL = 'https://ggz-sandbox.example/fhir/NamingSystem/';
export const PATIENTNUMMER_SYSTEM = `${LOCAL}patientnummer`;
export const VERWIJZING_SYSTEM = `${LOCAL}verwijzing`;
export const IPS_TRAJECT_SYSTEM = `${LOCAL}ips-traject`;
export const TOESTEMMING_SYSTEM = `${LOCAL}toestemming`;

export const LOINC_SYSTEM = 'http://loinc.org';
export const SNOMED_SYSTEM = 'http://snomed.info/sct';
export const CONSENT_SCOPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentscope';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const PARTICIPATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const CONSENT_ACTION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentaction';
export const NICTIZ_EOC_NAME = 'http://nictiz.nl/fhir/StructureDefinition/ext-EpisodeOfCare.EpisodeOfCareName';
/** The local IPS code of edge case E12 (an EPD that codes IPS under its own system). */
export const LOCAL_IPS_SYSTEM = 'urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1';

/** Status code systems, so a status token can be matched as `system|code` as well as `code`. */
export const STATUS_SYSTEMS: Readonly<Record<string, string>> = {
  ServiceRequest: 'http://hl7.org/fhir/request-status',
  EpisodeOfCare: 'http://hl7.org/fhir/episode-of-care-status',
  Consent: 'http://hl7.org/fhir/consent-state-codes',
};

export const PURPOSES = ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN', 'P_WERKMONITOR', 'P_WETENSCHAP', 'P_KWALITEIT_IPS'] as const;
export type Purpose = (typeof PURPOSES)[number];
/** The two purposes the cast's consents are about. */
export const CAST_PURPOSES: readonly Purpose[] = ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'];

export const REFERRER_TYPES = ['ggz-treatment-team', 'ggz-support-team', 'gemeente', 'uwv', 'huisarts', 'self', 'other'] as const;
export type ReferrerType = (typeof REFERRER_TYPES)[number];

export const END_REASONS = ['END_WORK_SUSTAINED', 'END_MAX_DURATION', 'END_CLIENT_STOPPED', 'END_HEALTH', 'END_CARE_ENDED', 'END_MOVED', 'END_TRANSFER', 'END_NO_CONTACT', 'END_OTHER', 'END_UNKNOWN'] as const;
export type EndReason = (typeof END_REASONS)[number];

export const CONSENT_FORMS = ['written', 'digital_signature', 'recorded_verbal'] as const;
export type ConsentForm = (typeof CONSENT_FORMS)[number];

export function extensionUrl(name: string): string {
  return `${EXTENSION_BASE}${name}`;
}

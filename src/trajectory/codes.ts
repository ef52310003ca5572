/**
 * Code lists of the trajectory format (`shared/trajectory-format.schema.json`, which repeats
 * `shared/reference/*.csv`). Kept as literal tuples so zod enums and TypeScript unions share them.
 */
export const purposeCodes = ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN', 'P_WERKMONITOR', 'P_WETENSCHAP', 'P_KWALITEIT_IPS'] as const;
export type Purpose = (typeof purposeCodes)[number];

export const recordKinds = ['referral', 'trajectory', 'employment', 'benefit', 'consent'] as const;
export type RecordKind = (typeof recordKinds)[number];

export const programmeCodes = ['IPS', 'IPS_CMD', 'JOBCOACH_GGZ', 'OTHER'] as const;
export const ageBands = ['A16_26', 'A27_34', 'A35_44', 'A45_54', 'A55_PLUS', 'UNKNOWN'] as const;
export type AgeBand = (typeof ageBands)[number];
export const hoursBands = ['H01_11', 'H12_19', 'H20_31', 'H32_PLUS', 'UNKNOWN'] as const;
export const benefitTypes = [
  'PW_BIJSTAND', 'PW_BBZ', 'IOAW', 'IOAZ', 'NONE_NUGGER', 'WW', 'WIA_IVA', 'WIA_WGA', 'WAJONG', 'WAJONG_OUD',
  'WAJONG_2010', 'WAJONG_2015', 'ZW', 'WAO', 'WAZ', 'TW', 'OTHER',
] as const;
export const fundingStreams = [
  'GEM_IPS_SUBSIDIE', 'UWV_IPS', 'UWV_IPS_ONDERZOEK', 'SZW_IPS_CMD_ONDERZOEK', 'GEM_REINTEGRATIE',
  'ZVW_ZORGVERZEKERAAR', 'WMO_BEGELEIDING', 'OTHER', 'UNKNOWN',
] as const;
export const employmentSupport = ['GEM_LKS', 'UWV_LOONDISPENSATIE', 'JOBCOACH_GEM', 'JOBCOACH_UWV'] as const;
export const endCodes = [
  'END_WORK_SUSTAINED', 'END_MAX_DURATION', 'END_CLIENT_STOPPED', 'END_HEALTH', 'END_CARE_ENDED', 'END_MOVED',
  'END_TRANSFER', 'END_NO_CONTACT', 'END_OTHER', 'END_UNKNOWN',
] as const;
export const eventCodes = [
  'FUNDING_REQUESTED', 'FUNDING_GRANTED', 'FUNDING_REFUSED', 'EMPLOYER_CONTACT_FIRST', 'EXTENSION', 'WORK_START',
  'WORK_END', 'PLACEMENT', 'EDUCATION_START',
] as const;
export const referredByCodes = ['ggz_treatment_team', 'ggz_support_team', 'gemeente', 'uwv', 'self', 'other', 'unknown'] as const;
export const referralStatuses = ['open', 'started', 'not_started'] as const;
export const consentStatuses = ['active', 'withdrawn', 'expired', 'refused'] as const;
export const consentForms = ['written', 'digital_signature', 'recorded_verbal', 'unknown'] as const;
export const arbeidsmarktregioCodes = [
  'AM01', 'AM02', 'AM03', 'AM05', 'AM06', 'AM07', 'AM08', 'AM09', 'AM10', 'AM11', 'AM12', 'AM13', 'AM14', 'AM15',
  'AM17', 'AM18', 'AM19', 'AM20', 'AM21', 'AM22', 'AM23', 'AM24', 'AM25', 'AM26', 'AM27', 'AM28', 'AM29', 'AM30',
  'AM32', 'AM33', 'AM34', 'AM35', 'AM36', 'AM37', 'AM38',
] as const;
export type ArbeidsmarktregioCode = (typeof arbeidsmarktregioCodes)[number];

/** Quarantine reasons: the shared vocabulary of `shared/partners/README.md` §2.7. */
export const quarantineReasons = [
  'bsn-missing', 'bsn-invalid', 'bsn-conflict', 'bsn-mismatch', 'bsn-withheld', 'required-missing', 'unknown-code',
  'invalid-date', 'invalid-value', 'invalid-period', 'version-conflict', 'subject-unresolvable', 'unknown-modifier',
  'outside-region', 'too-large', 'unparseable',
] as const;
export type QuarantineReason = (typeof quarantineReasons)[number];

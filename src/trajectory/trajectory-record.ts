import { z } from 'zod';
import {
  ageBands, arbeidsmarktregioCodes, benefitTypes, consentForms, consentStatuses, employmentSupport, endCodes,
  eventCodes, fundingStreams, hoursBands, programmeCodes, purposeCodes, recordKinds, referralStatuses, referredByCodes,
} from './codes.js';

/**
 * The normalised record, `werkbrug.trajectory/1` (`shared/trajectory-format.md`), as zod schemas.
 * Every object is strict and every string a code or a narrow pattern, so no sentence fits anywhere.
 * `test/trajectory/trajectory-record.test.ts` checks records against the published JSON Schema too.
 */
export const trajectoryFormat = 'werkbrug.trajectory/1';

export const isoDate = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'a date (YYYY-MM-DD)');
export const utcTimestamp = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z$/, 'a UTC timestamp ending in Z');
export const pseudonymSchema = z.string().max(80).regex(/^ps1:[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?:[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'a ps1 pseudonym');
export const partnerIdSchema = z.string().max(40).regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'a partner id (lower-case slug)');
const recordRefPattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*:[A-Za-z0-9._~/:-]{1,200}$/;
const nineDigitRun = /(^|[^0-9])[0-9]{9}([^0-9]|$)/;
export const recordRefSchema = z
  .string()
  .max(240)
  .regex(recordRefPattern, 'a partner-prefixed source reference')
  .refine((value) => !nineDigitRun.test(value), 'a reference without a run of exactly nine digits (a possible BSN)');
export const purposeSchema = z.enum(purposeCodes);

export const subjectSchema = z.strictObject({
  as_of: isoDate,
  age_band: z.enum(ageBands),
  birth_year: z.number().int().min(1900).max(2100).optional(),
  gemeente_code: z.string().regex(/^[0-9]{4}$/, 'a 4-digit CBS gemeentecode').optional(),
  arbeidsmarktregio_code: z.enum(arbeidsmarktregioCodes).optional(),
});

export const sourceSchema = z.strictObject({
  partner_id: partnerIdSchema,
  record_ref: recordRefSchema,
  record_key: recordRefSchema,
  version: z.string().regex(/^[A-Za-z0-9._:+-]{1,64}$/, 'a source version'),
  modified_at: utcTimestamp.nullable().optional(),
  deleted: z.boolean().optional(),
});

export const lineageSchema = z.strictObject({
  ingested_at: utcTimestamp,
  connector: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}@[0-9A-Za-z.+-]{1,32}$/, 'connector@version'),
  mapping_version: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'a mapping version'),
  batch_id: z.string().regex(/^[A-Za-z0-9_-]{8,80}$/, 'a batch id without ":"'),
  content_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256:<64 hex>'),
  consent_decision: z.string().regex(/^cl1:[0-9a-f]{64}$/, 'cl1:<64 hex>').optional(),
});

const eventSchema = z.strictObject({ code: z.enum(eventCodes), date: isoDate });

export const referralSchema = z.strictObject({
  programme: z.enum(programmeCodes),
  referral_date: isoDate,
  referred_by: z.enum(referredByCodes),
  provider_partner_id: partnerIdSchema.optional(),
  status: z.enum(referralStatuses),
  status_date: isoDate.optional(),
});

export const trajectoryPayloadSchema = z
  .strictObject({
    programme: z.enum(programmeCodes),
    provider_partner_id: partnerIdSchema.optional(),
    funding_stream: z.enum(fundingStreams),
    benefit_type_at_start: z.enum(benefitTypes).optional(),
    in_work_at_start: z.boolean().optional(),
    start_date: isoDate.optional(),
    planned_end_date: isoDate.optional(),
    end_date: isoDate.optional(),
    end_code: z.enum(endCodes).optional(),
    events: z.array(eventSchema).max(50).optional(),
  })
  .refine((t) => (t.end_date === undefined) === (t.end_code === undefined), {
    message: 'end_date and end_code together',
    path: ['end_code'],
  });

export const employmentSchema = z.strictObject({
  start_date: isoDate,
  end_date: isoDate.optional(),
  relation: z.enum(['employee', 'temp_agency', 'self_employed', 'unknown']),
  ikv_code: z.string().regex(/^[0-9]{2}$/).optional(),
  employer_key: z.string().regex(/^em1:[A-Za-z0-9_-]{22}$/).optional(),
  competitive: z.enum(['yes', 'no', 'unknown']),
  hours_band: z.enum(hoursBands),
  support: z.array(z.enum(employmentSupport)).optional(),
  observed_until: isoDate.optional(),
});

export const benefitSchema = z.strictObject({
  benefit_type: z.enum(benefitTypes),
  start_date: isoDate,
  end_date: isoDate.optional(),
  ikv_code: z.string().regex(/^[0-9]{2}$/).optional(),
});

export const consentPayloadSchema = z.strictObject({
  status: z.enum(consentStatuses),
  purposes: z.array(purposeSchema).min(1),
  given_date: isoDate,
  valid_until: isoDate.optional(),
  withdrawn_date: isoDate.optional(),
  form: z.enum(consentForms),
});

/**
 * What the edge produces: the record in trajectory shape without what only the core can add after
 * the consent check (`purposes`, `lineage`). It is the payload of a queue job, so it holds nothing
 * that identifies a person in clear.
 */
export const draftRecordSchema = z.strictObject({
  record_kind: z.enum(recordKinds),
  person: pseudonymSchema.optional(),
  person_previous: pseudonymSchema.optional(),
  subject: subjectSchema.optional(),
  source: sourceSchema,
  referral: referralSchema.optional(),
  trajectory: trajectoryPayloadSchema.optional(),
  employment: employmentSchema.optional(),
  benefit: benefitSchema.optional(),
  consent: consentPayloadSchema.optional(),
});
export type DraftRecord = z.infer<typeof draftRecordSchema>;

/** The stored record: the draft plus the consent outcome and lineage. */
export const trajectoryRecordSchema = draftRecordSchema.extend({
  format: z.literal(trajectoryFormat),
  purposes: z.array(purposeSchema).min(1).optional(),
  lineage: lineageSchema,
});
export type TrajectoryRecord = z.infer<typeof trajectoryRecordSchema>;
export type Lineage = z.infer<typeof lineageSchema>;
export type SourceRef = z.infer<typeof sourceSchema>;
export type Subject = z.infer<typeof subjectSchema>;

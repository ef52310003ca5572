import { z } from 'zod';
import { isFhirDate, isFhirDateTime, isFhirInstant } from './mapping/dates.js';

/**
 * The partner's resources as the EPD names them (FHIR R4 4.0.1, `partners/ggz-fhir-r4.md` §3).
 * Objects are loose because FHIR allows elements werkbrug does not read (names, narrative, notes
 * pass through parsing and are simply never mapped); every element the mapping reads is
 * validated here. Issues carry a `reason` from `partners/README.md` §2.7 where the generic zod code
 * would be vague, and never the value (zod 4 leaves input out of issues).
 *
 * The schemas every resource of a page passes through are wrapped in `z.compile`: zod's generated
 * fast path, with the same results and the same issues (an input that fails is re-run on the
 * ordinary parser, which names the issues). `consentSchema` is recursive: see `safeParseConsent`.
 */
const reason = (r: 'invalid-date' | 'invalid-value') => ({ params: { reason: r } });

export const fhirDate = z.string().refine(isFhirDate, { message: 'a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD that exists)', ...reason('invalid-date') });
export const fhirDateTime = z
  .string()
  .refine(isFhirDateTime, { message: 'a FHIR dateTime (a date, or date and time with seconds and an offset)', ...reason('invalid-date') });
export const fhirInstant = z.string().refine(isFhirInstant, { message: 'a FHIR instant (date and time with an offset)', ...reason('invalid-date') });
export const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'a FHIR id ([A-Za-z0-9-.]{1,64})');

/** An R4 code: werkbrug refuses a code outside the R4 value set (edge case E11: `unknown-code`). */
function r4Code<const T extends readonly [string, ...string[]]>(codes: T) {
  return z.enum(codes, { error: `an R4 code (${codes.join(', ')})` });
}

export const codingSchema = z.looseObject({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
export const codeableConceptSchema = z.looseObject({ coding: z.array(codingSchema).optional(), text: z.string().optional() });
export const identifierSchema = z.looseObject({ system: z.string().optional(), value: z.string().optional() });
export const referenceSchema = z.looseObject({
  reference: z.string().optional(),
  type: z.string().optional(),
  identifier: identifierSchema.optional(),
  display: z.string().optional(),
});
export const periodSchema = z.looseObject({ start: fhirDateTime.optional(), end: fhirDateTime.optional() });
export const metaSchema = z.looseObject({ versionId: fhirId.optional(), lastUpdated: fhirInstant.optional() });

/** Any extension; the mapping picks the werkbrug URLs (spec §2). Values read are validated here. */
export const extensionSchema = z.looseObject({
  url: z.string().min(1),
  valueCoding: codingSchema.optional(),
  valueDate: fhirDate.optional(),
  valueBoolean: z.boolean().optional(),
});
const extensions = z.array(extensionSchema).optional();
const containedSchema = z.array(z.looseObject({ resourceType: z.string(), id: z.string().optional() })).optional();

export const bsnSystems = ['http://fhir.nl/fhir/NamingSystem/bsn', 'urn:oid:2.16.840.1.113883.2.4.6.3'] as const;

export const addressSchema = z.looseObject({
  use: z.string().optional(),
  district: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
});

/** Patient (§3.1): only identifiers (BSN), birthDate and the address for the gemeente are read. */
export const patientSchema = z.compile(
  z.looseObject({
    resourceType: z.literal('Patient'),
    id: fhirId.optional(),
    meta: metaSchema.optional(),
    modifierExtension: extensions,
    identifier: z.array(identifierSchema).optional(),
    birthDate: fhirDate.optional(),
    address: z.array(addressSchema).optional(),
  }),
);
export type Patient = z.infer<typeof patientSchema>;

export const serviceRequestStatuses = ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown'] as const;

/** ServiceRequest, the referral to IPS (§3.2). */
export const serviceRequestSchema = z.compile(
  z.looseObject({
    resourceType: z.literal('ServiceRequest'),
    id: fhirId,
    meta: metaSchema.optional(),
    extension: extensions,
    modifierExtension: extensions,
    contained: containedSchema,
    status: r4Code(serviceRequestStatuses),
    code: codeableConceptSchema.optional(),
    subject: referenceSchema,
    authoredOn: fhirDateTime.optional(),
  }),
);
export type ServiceRequest = z.infer<typeof serviceRequestSchema>;

export const episodeStatuses = ['planned', 'waitlist', 'active', 'onhold', 'finished', 'cancelled', 'entered-in-error'] as const;

/** EpisodeOfCare, the IPS trajectory (§3.3). */
export const episodeOfCareSchema = z.compile(
  z.looseObject({
    resourceType: z.literal('EpisodeOfCare'),
    id: fhirId,
    meta: metaSchema.optional(),
    extension: extensions,
    modifierExtension: extensions,
    contained: containedSchema,
    status: r4Code(episodeStatuses),
    statusHistory: z.array(z.looseObject({ status: r4Code(episodeStatuses), period: periodSchema })).optional(),
    type: z.array(codeableConceptSchema).optional(),
    patient: referenceSchema,
    period: periodSchema.optional(),
  }),
);
export type EpisodeOfCare = z.infer<typeof episodeOfCareSchema>;

export const consentStatuses = ['draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error'] as const;

export interface ConsentProvisionSource {
  type?: 'permit' | 'deny' | undefined;
  period?: z.infer<typeof periodSchema> | undefined;
  actor?: Array<{ role: z.infer<typeof codeableConceptSchema>; reference: z.infer<typeof referenceSchema> }> | undefined;
  action?: Array<z.infer<typeof codeableConceptSchema>> | undefined;
  purpose?: Array<z.infer<typeof codingSchema>> | undefined;
  provision?: ConsentProvisionSource[] | undefined;
  [extra: string]: unknown;
}

const provisionShape = {
  type: r4Code(['permit', 'deny'] as const).optional(),
  period: periodSchema.optional(),
  actor: z.array(z.looseObject({ role: codeableConceptSchema, reference: referenceSchema })).optional(),
  action: z.array(codeableConceptSchema).optional(),
  purpose: z.array(codingSchema).optional(),
};

/** `provision` nests to any depth in FHIR; the mapping reads one level of exceptions (§5 rule 5). */
export const consentProvisionSchema: z.ZodType<ConsentProvisionSource> = z.looseObject({
  ...provisionShape,
  get provision() {
    return z.array(consentProvisionSchema).optional();
  },
});

const consentShape = {
  resourceType: z.literal('Consent'),
  id: fhirId,
  meta: metaSchema.optional(),
  extension: extensions,
  modifierExtension: extensions,
  contained: containedSchema,
  status: r4Code(consentStatuses),
  scope: codeableConceptSchema,
  category: z.array(codeableConceptSchema).min(1),
  patient: referenceSchema.optional(),
  dateTime: fhirDateTime.optional(),
  policy: z.array(z.looseObject({ authority: z.string().optional(), uri: z.string().optional() })).optional(),
  policyRule: codeableConceptSchema.optional(),
};

/** Consent, the client's permission to share for a purpose (§3.4). `patient` is checked by the mapping (§5 rule 9). */
export const consentSchema = z.looseObject({ ...consentShape, provision: consentProvisionSchema.optional() });
export type Consent = z.infer<typeof consentSchema>;

// A recursive schema cannot be compiled. Nearly every Consent nests its provisions at most two
// levels deep (the provision and its exceptions), where the same schema written out two levels
// deep, compiled, validates the same elements in the same order and gives the same result; a
// deeper Consent, rare, takes the recursive schema.
const consentTwoLevelsSchema: z.ZodType<Consent> = z.compile(
  z.looseObject({
    ...consentShape,
    provision: z.looseObject({ ...provisionShape, provision: z.array(z.looseObject(provisionShape)).optional() }).optional(),
  }),
);

function nestsBelowExceptions(resource: unknown): boolean {
  const top = typeof resource === 'object' && resource !== null ? (resource as { provision?: unknown }).provision : undefined;
  const exceptions = typeof top === 'object' && top !== null ? (top as { provision?: unknown }).provision : undefined;
  return Array.isArray(exceptions) && exceptions.some((p) => typeof p === 'object' && p !== null && (p as { provision?: unknown }).provision !== undefined);
}

/** `consentSchema.safeParse`, on the compiled two-level schema when the Consent nests no deeper. */
export function safeParseConsent(resource: unknown): z.ZodSafeParseResult<Consent> {
  return nestsBelowExceptions(resource) ? consentSchema.safeParse(resource) : consentTwoLevelsSchema.safeParse(resource);
}

/** What every resource of a page must have before anything else is read (parse stage). */
export const resourceEnvelopeSchema = z.compile(
  z.looseObject({
    resourceType: z.string().min(1),
    id: fhirId,
    meta: metaSchema.optional(),
  }),
);

export const operationOutcomeSchema = z.compile(
  z.looseObject({
    resourceType: z.literal('OperationOutcome'),
    issue: z.array(z.looseObject({ severity: z.string().optional(), code: z.string().optional() })).optional(),
  }),
);

const bundleEntrySchema = z.looseObject({
  fullUrl: z.string().optional(),
  resource: z.looseObject({ resourceType: z.string() }).optional(),
  search: z.looseObject({ mode: z.string().optional() }).optional(),
  request: z.looseObject({ method: z.string(), url: z.string() }).optional(),
  response: z.looseObject({ status: z.string().optional(), lastModified: fhirInstant.optional(), etag: z.string().optional() }).optional(),
});

/** A searchset or history Bundle (§4.2, §6.5, §6.6). `total` is never read. */
export const bundleSchema = z.compile(
  z.looseObject({
    resourceType: z.literal('Bundle'),
    type: z.enum(['searchset', 'history']),
    link: z.array(z.looseObject({ relation: z.string(), url: z.string() })).optional(),
    entry: z.array(bundleEntrySchema).optional(),
  }),
);
export type Bundle = z.infer<typeof bundleSchema>;
export type BundleEntry = z.infer<typeof bundleEntrySchema>;

/** The part of `GET /metadata` that `check()` reads (spec §8: the search parameters of §1.1). */
export const capabilityStatementSchema = z.looseObject({
  resourceType: z.literal('CapabilityStatement'),
  rest: z
    .array(
      z.looseObject({
        resource: z
          .array(z.looseObject({ type: z.string(), searchParam: z.array(z.looseObject({ name: z.string() })).optional() }))
          .optional(),
      }),
    )
    .optional(),
});

import { z } from 'zod';
import { isoDate, pseudonymSchema, purposeSchema, utcTimestamp } from '../trajectory/trajectory-record.js';

/**
 * What the edge keeps of one consent resource (latest version) so the core can decide consent
 * per purpose without the partner's format (`shared/partners/ggz-fhir-r4.md` §5). It holds the
 * pseudonym, codes and dates only. `understood: false` (deeper nesting, a provision without type,
 * an unknown modifier) makes the document refuse every purpose it could touch: fail closed.
 */
export const consentStatusSchema = z.enum(['draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error', 'deleted']);

export const consentProvisionSchema = z.strictObject({
  type: z.enum(['permit', 'deny']),
  /** Purposes named by werkbrug code; `all` when the provision names none (a deny/rejection of everything). */
  purposes: z.union([z.literal('all'), z.array(purposeSchema)]),
  periodStart: isoDate.optional(),
  periodEnd: isoDate.optional(),
});

export const consentDocumentSchema = z.strictObject({
  /** `partner:Consent/id` — the record key of the consent in the store. */
  consentKey: z.string().min(3).max(240),
  /** `partner:Consent/id/_history/n` */
  consentRef: z.string().min(3).max(240),
  version: z.string().max(64),
  person: pseudonymSchema,
  status: consentStatusSchema,
  /** `Consent.dateTime` as a UTC instant; orders several consents (rule 8). */
  recordedAt: utcTimestamp.optional(),
  /** `meta.lastUpdated` as a UTC instant: when an `inactive` status took effect (rule 3). */
  lastUpdated: utcTimestamp.optional(),
  understood: z.boolean(),
  /** Why a document is not understood or restricted, as a rule-like code (never free text). */
  notUnderstoodReason: z.string().regex(/^[a-z0-9-]{1,60}$/).optional(),
  /** Region code is among the recipients (or no recipients are listed). */
  regionAllowed: z.boolean(),
  /** `disclose` is among the actions (or no actions are listed). */
  actionAllowed: z.boolean(),
  provision: consentProvisionSchema.optional(),
  exceptions: z.array(consentProvisionSchema).max(20),
  form: z.enum(['written', 'digital_signature', 'recorded_verbal', 'unknown']),
});
export type ConsentDocument = z.infer<typeof consentDocumentSchema>;
export type ConsentProvision = z.infer<typeof consentProvisionSchema>;

import { z } from 'zod';
import { isFhirInstant } from './mapping/dates.js';

/**
 * Settings of one ggz FHIR R4 partner (`partners[].settings` in the region config). Strict, so a
 * typo is an error at start-up; every field says what it does. The token is never here: `tokenEnv`
 * names the environment variable that holds it (secrets by reference, `STYLE.md`).
 */
const httpUrl = z
  .string()
  .url()
  .regex(/^https?:\/\/[^?#]+[^/?#]$/, 'an http(s) URL without query, fragment or trailing slash');

// `system|code`: the token form of a FHIR search (spec §1.1). No comma: the query joins aliases with one.
const codeToken = z.string().max(300).regex(/^[^|,\s]+\|[^|,\s]+$/, 'a FHIR token "system|code" without commas or spaces');

export const ggzFhirConfigSchema = z.strictObject({
  baseUrl: httpUrl.describe('FHIR base of the EPD, e.g. http://127.0.0.1:7401/fhir. Its origin is the only one paging links may point to.'),
  consentBaseUrl: httpUrl
    .optional()
    .describe('FHIR base of a separate consent service (spec §5.1). Consent searches and history go there; absent: baseUrl.'),
  tokenEnv: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)')
    .describe('Name of the environment variable holding the bearer token (never the token itself).'),
  pageSize: z.number().int().min(1).max(500).default(100).describe('`_count` asked per page (max 500). The server may return more or fewer; nothing relies on it.'),
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(120)
    .describe('How far before the cursor each incremental query starts, to catch late commits (spec §4.3).'),
  codeAliases: z
    .strictObject({
      referral: z.array(codeToken).max(20).default([]).describe('Extra `system|code` tokens an EPD uses for an IPS referral (ServiceRequest.code).'),
      trajectory: z.array(codeToken).max(20).default([]).describe('Extra `system|code` tokens an EPD uses for an IPS trajectory (EpisodeOfCare.type), edge case E12.'),
    })
    .prefault({})
    .describe('Local codes for IPS, added to the query as alternatives and accepted by the mapping.'),
  backfillFrom: z
    .string()
    .refine(isFhirInstant, 'an instant with an offset, e.g. 2024-01-01T00:00:00Z')
    .optional()
    .describe('First run only: start the streams at this instant instead of the beginning (spec §4.1).'),
});

export type GgzFhirConfig = z.output<typeof ggzFhirConfigSchema>;

/** The werkbrug IPS codes (spec §2), always queried and accepted. */
export const ipsReferralToken = 'https://werkbrug.example/fhir/CodeSystem/ips|ips-referral';
export const ipsTrajectoryToken = 'https://werkbrug.example/fhir/CodeSystem/ips|ips-trajectory';
export const consentCategoryToken = 'https://werkbrug.example/fhir/CodeSystem/consent-category|ips-data-sharing';

/** Origins the partner HTTP layer must allow for this partner: the base and the consent base. */
export function ggzFhirOrigins(config: GgzFhirConfig): string[] {
  return [...new Set([config.baseUrl, config.consentBaseUrl].filter((u): u is string => u !== undefined).map((u) => new URL(u).origin))];
}

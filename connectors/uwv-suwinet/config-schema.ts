import { z } from 'zod';
import { benefitTypes } from '../../src/trajectory/codes.js';

/**
 * Settings of the UWV Suwinet partner (`partners[].settings` in the region config). Strict, so a
 * typo is an error at start-up; every field says what it does and its default. The token is never
 * here: `tokenEnv` names the environment variable that holds it (secrets by reference, `STYLE.md`).
 */
const endpointUrl = z
  .string()
  .url()
  .regex(/^https?:\/\/[^?#]+[^/?#]$/, 'an http(s) URL without query, fragment or trailing slash');

/** `CdSzWet` → benefit type (spec §5.3, **werkbrug-defined**: the sandbox's table). */
export const defaultCdSzWetMap: Readonly<Record<string, (typeof benefitTypes)[number]>> = {
  WW: 'WW', ZW: 'ZW', WAO: 'WAO', WAZ: 'WAZ', IVA: 'WIA_IVA', WGA: 'WIA_WGA', WAJ: 'WAJONG', TW: 'TW',
};

export const uwvSuwinetConfigSchema = z.strictObject({
  inkomstenUrl: endpointUrl.describe('Endpoint of UWVDossierInkomstenGSD v0200, e.g. http://127.0.0.1:7403/SuwiML/UWVDossierInkomstenGSD-v0200/v1. Also sent as wsa:To.'),
  werknemersverzekeringenUrl: endpointUrl.describe('Endpoint of UWVDossierWerknemersverzekeringenGSD v0200, e.g. http://127.0.0.1:7403/SuwiML/UWVDossierWerknemersverzekeringenGSD-v0200/v1.'),
  tokenEnv: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)')
    .describe('Name of the environment variable holding the bearer token (never the token itself).'),
  afnemerOin: z
    .string()
    .regex(/^[0-9]{20}$/, 'an OIN: 20 digits')
    .default('00000001999999999000')
    .describe('OIN of the Suwinet afnemer, sent in wsa:From as ?oin=. The default is the fictional OIN of spec §7.1: set the real one in production.'),
  fromAddress: endpointUrl
    .default('https://werkbrug.example/edge')
    .describe('The afnemer address sent as wsa:From/wsa:Address (the OIN is appended as ?oin=).'),
  personsPerPage: z.number().int().min(1).max(500).default(25).describe('Persons asked about per page; one page is one batch on the queue.'),
  concurrency: z.number().int().min(1).max(16).default(4).describe('Questions in flight at once (spec §1.3: 4).'),
  maxQuestionsPerSecond: z.number().min(0.1).max(1000).default(5).describe('At most this many questions start in any second (spec §1.3: 5). Both services count.'),
  cdSzWetMap: z
    .record(z.string().regex(/^[^0-9]{1,5}$/, 'a CdSzWet: at most 5 non-digit characters'), z.enum(benefitTypes))
    .default({ ...defaultCdSzWetMap })
    .describe('CdSzWet → benefit type (spec §5.3). Replaces the default table when given; an unknown code becomes OTHER and is counted.'),
});

export type UwvSuwinetConfig = z.output<typeof uwvSuwinetConfigSchema>;

/** Origins the partner HTTP layer must allow for this partner: those of the two endpoints. */
export function uwvSuwinetOrigins(config: UwvSuwinetConfig): string[] {
  return [...new Set([config.inkomstenUrl, config.werknemersverzekeringenUrl].map((u) => new URL(u).origin))];
}

/** `wsa:From/wsa:Address`: the afnemer address with its OIN. */
export function fromAddressOf(config: UwvSuwinetConfig): string {
  return `${config.fromAddress}?oin=${config.afnemerOin}`;
}

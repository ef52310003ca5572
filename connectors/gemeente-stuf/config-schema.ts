import { z } from 'zod';
import { entiteittypen } from './stuf-names.js';

/**
 * Settings of one gemeente partner (`partners[].settings` in the region config). Strict, so a typo
 * is an error at start-up; every field says what it does. The token is never here: `tokenEnv`
 * names the environment variable that holds it (secrets by reference, `STYLE.md`).
 */
const httpUrl = z
  .string()
  .url()
  .regex(/^https?:\/\/[^?#]+[^/?#]$/, 'an http(s) URL without query, fragment or trailing slash');

const organisatie = z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'an organisation code (letters and digits, at most 20)');

export const gemeenteStufConfigSchema = z.strictObject({
  baseUrl: httpUrl.describe(
    'Origin (plus any path prefix) of the suite\'s StUF service, e.g. http://127.0.0.1:7402; questions go to {baseUrl}/stuf/pw0100/BeantwoordVraag.',
  ),
  tokenEnv: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)')
    .describe('Name of the environment variable holding the bearer token (never the token itself).'),
  ontvanger: z
    .strictObject({
      organisatie: organisatie.describe('The partner\'s organisation code: the gemeentecode (0344) or a short code of an uitvoeringsorganisatie (WIL, FERMWERK).'),
      applicatie: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/).default('SOCDOM').describe('The suite\'s application name (default SOCDOM).'),
    })
    .describe('StUF:ontvanger of every question (spec §2.1).'),
  zender: z
    .strictObject({
      organisatie: organisatie.default('AM13').describe('The region (arbeidsmarktregio code), default AM13.'),
      applicatie: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/).default('werkbrug').describe('Default werkbrug.'),
      gebruiker: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'the partner id (a lower-case slug)').max(40).describe('The partner id of this connection (e.g. gem-utrecht).'),
    })
    .describe('StUF:zender of every question (spec §2.1).'),
  pageSize: z.number().int().min(1).max(200).default(100).describe('StUF:maximumAantal per question (max 200, the suite serves no more).'),
  overlap: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(49)
    .describe('How many numbers below the cursor each pull asks again (vanaf = cursor − overlap), to catch late-visible mutations (spec §3.1, G19).'),
  streams: z
    .array(z.enum(entiteittypen))
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'each entiteittype once')
    .default(['PWU', 'RIV', 'LKS'])
    .describe('Entiteittypen pulled, one stream each; leave one out when the suite does not authorise it (StUF052).'),
  gemeenteFilter: z
    .string()
    .regex(/^[0-9]{4}$/, 'a 4-digit CBS gemeentecode')
    .optional()
    .describe('Ask only about this gemeente (gelijk gemeentecode), for an uitvoeringsorganisatie whose other gemeenten belong elsewhere.'),
});

export type GemeenteStufConfig = z.output<typeof gemeenteStufConfigSchema>;

import { z } from 'zod';

/**
 * Settings of one __name__ partner (`partners[].settings` in the region config). Strict, so a typo
 * is an error at start-up. The token is never here: `tokenEnv` names the environment variable that
 * holds it. Every `*Url` setting is an origin the core's partner HTTP allows, nothing else.
 */
export const __nameCamel__ConfigSchema = z.strictObject({
  baseUrl: z
    .string()
    .url()
    .regex(/^https?:\/\/[^?#]+[^/?#]$/, 'an http(s) URL without query, fragment or trailing slash')
    .describe('Base URL of the partner API, e.g. http://127.0.0.1:7410/__basePath__.'),
  tokenEnv: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)')
    .describe('Name of the environment variable holding the bearer token (never the token itself).'),
  pageSize: z.number().int().min(1).max(500).default(100).describe('Records asked per page.'),
});

export type __Name__Config = z.output<typeof __nameCamel__ConfigSchema>;

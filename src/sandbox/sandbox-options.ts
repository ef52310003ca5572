import { z } from 'zod';

/**
 * What every sandbox's start function and control API accept alike (`partners/README.md` §3):
 * the scenario, the canaries a privacy test plants, and the start options. A sandbox adds its own
 * fields to {@link sandboxOptionShape} (`partner`, `consentBase`, …).
 */
export const scenarioSchema = z.enum(['default', 'edge-cases', 'volume']);

export const canariesSchema = z.strictObject({
  names: z.array(z.string().min(1).max(200)).max(1000).optional(),
  bsns: z.array(z.string().min(1).max(20)).max(1000).optional(),
  addresses: z.array(z.string().min(1).max(200)).max(1000).optional(),
  birthDates: z.array(z.string().min(1).max(20)).max(1000).optional(),
  notes: z.array(z.string().min(1).max(10_000)).max(100).optional(),
});

export const sandboxOptionShape = {
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  token: z.string().min(1).default('sandbox'),
  controlToken: z.string().min(1).default('control'),
  scenario: scenarioSchema.default('default'),
  seed: z.number().int().min(0).max(4_294_967_295).default(42),
  persons: z.number().int().min(0).max(1_000_000).optional(),
  fixturesDir: z.string().min(1).optional(),
  now: z.iso.datetime({ offset: true }).optional(),
  canaries: canariesSchema.optional(),
};

/** Parses a sandbox's start options; throws before anything listens, naming every bad option. */
export function parseSandboxOptions<S extends z.ZodType>(name: string, schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new Error(`${name}: invalid options: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

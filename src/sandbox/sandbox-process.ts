import { z } from 'zod';

/**
 * A sandbox as a process (`tsx connectors/<id>/sandbox/main.ts`), configured from `SANDBOX_*`
 * variables (`partners/README.md` §2.1): the variables every sandbox shares, read and checked in
 * one place. A sandbox adds its own (`SANDBOX_PARTNER`, `SANDBOX_CONSENT_BASE`) with `extra`.
 * An invalid variable stops the process with exit code 2, naming the variable; SIGINT or SIGTERM
 * closes the sandbox and exits 0.
 */
export const sandboxNumber = z.string().regex(/^[0-9]+$/, 'a whole number').transform(Number);

const commonEnv = {
  SANDBOX_PORT: sandboxNumber.optional(),
  SANDBOX_HOST: z.string().min(1).optional(),
  SANDBOX_TOKEN: z.string().min(1).optional(),
  SANDBOX_CONTROL_TOKEN: z.string().min(1).optional(),
  SANDBOX_SCENARIO: z.enum(['default', 'edge-cases', 'volume']).optional(),
  SANDBOX_SEED: sandboxNumber.optional(),
  SANDBOX_PERSONS: sandboxNumber.optional(),
  SANDBOX_FIXTURES: z.string().min(1).optional(),
  SANDBOX_NOW: z.string().min(1).optional(),
};

/** The options every sandbox's start function takes, as the common variables give them. */
export interface CommonSandboxOptions {
  port?: number;
  host?: string;
  token?: string;
  controlToken?: string;
  scenario?: 'default' | 'edge-cases' | 'volume';
  seed?: number;
  persons?: number;
  fixturesDir?: string;
  now?: string;
}

export function readSandboxEnv<Extra extends z.ZodRawShape>(name: string, extra: Extra, env: NodeJS.ProcessEnv = process.env): { common: CommonSandboxOptions; vars: z.infer<z.ZodObject<typeof commonEnv & Extra>> } {
  const schema = z.object({ ...commonEnv, ...extra });
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('SANDBOX_') && value !== '')));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) process.stderr.write(`${name}: ${issue.path.join('.')}: ${issue.message}\n`);
    process.exit(2);
  }
  const v = parsed.data as z.infer<z.ZodObject<typeof commonEnv>>;
  const common: CommonSandboxOptions = {
    ...(v.SANDBOX_PORT === undefined ? {} : { port: v.SANDBOX_PORT }),
    ...(v.SANDBOX_HOST ? { host: v.SANDBOX_HOST } : {}),
    ...(v.SANDBOX_TOKEN ? { token: v.SANDBOX_TOKEN } : {}),
    ...(v.SANDBOX_CONTROL_TOKEN ? { controlToken: v.SANDBOX_CONTROL_TOKEN } : {}),
    ...(v.SANDBOX_SCENARIO ? { scenario: v.SANDBOX_SCENARIO } : {}),
    ...(v.SANDBOX_SEED === undefined ? {} : { seed: v.SANDBOX_SEED }),
    ...(v.SANDBOX_PERSONS === undefined ? {} : { persons: v.SANDBOX_PERSONS }),
    ...(v.SANDBOX_FIXTURES ? { fixturesDir: v.SANDBOX_FIXTURES } : {}),
    ...(v.SANDBOX_NOW ? { now: v.SANDBOX_NOW } : {}),
  };
  return { common, vars: parsed.data };
}

/** `GET /__control/health`'s record counts as one line: `Patient 500, Consent 512`. */
export function recordCounts(health: Record<string, unknown>): string {
  const records = typeof health.records === 'object' && health.records !== null ? Object.entries(health.records) : [];
  return records.map(([type, count]) => `${type} ${String(count)}`).join(', ');
}

/** Runs a started sandbox until SIGINT/SIGTERM; a start that fails exits 2 with its message. */
export async function runSandboxProcess<S extends { close(): Promise<void> }>(name: string, start: () => Promise<S>, announce: (sandbox: S) => readonly string[]): Promise<void> {
  try {
    const sandbox = await start();
    for (const line of announce(sandbox)) process.stdout.write(`${line}\n`);
    const stop = (): void => {
      void sandbox.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : `${name} failed to start`}\n`);
    process.exit(2);
  }
}

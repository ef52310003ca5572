import { z } from 'zod';
import { startGemeenteSandbox } from './server.js';

/**
 * `tsx connectors/gemeente-stuf/sandbox/main.ts`: the gemeente sandbox as a process, configured
 * from the environment (`partners/README.md` §2.1, `partners/gemeente-stuf.md` §9). Prints the
 * URL once listening; stops on SIGINT or SIGTERM. An invalid variable stops it with exit code 2,
 * naming the variable.
 */
const number = z.string().regex(/^[0-9]+$/, 'a whole number').transform(Number);
const envSchema = z.object({
  SANDBOX_PORT: number.optional(),
  SANDBOX_HOST: z.string().min(1).optional(),
  SANDBOX_TOKEN: z.string().min(1).optional(),
  SANDBOX_CONTROL_TOKEN: z.string().min(1).optional(),
  SANDBOX_PARTNER: z.string().min(1).optional(),
  SANDBOX_SCENARIO: z.enum(['default', 'edge-cases', 'volume']).optional(),
  SANDBOX_SEED: number.optional(),
  SANDBOX_PERSONS: number.optional(),
  SANDBOX_FIXTURES: z.string().min(1).optional(),
  SANDBOX_NOW: z.string().min(1).optional(),
});

const env = envSchema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([name, value]) => name.startsWith('SANDBOX_') && value !== '')));
if (!env.success) {
  for (const issue of env.error.issues) process.stderr.write(`gemeente sandbox: ${issue.path.join('.')}: ${issue.message}\n`);
  process.exit(2);
}
const vars = env.data;

try {
  const sandbox = await startGemeenteSandbox({
    ...(vars.SANDBOX_PORT === undefined ? {} : { port: vars.SANDBOX_PORT }),
    ...(vars.SANDBOX_HOST ? { host: vars.SANDBOX_HOST } : {}),
    ...(vars.SANDBOX_TOKEN ? { token: vars.SANDBOX_TOKEN } : {}),
    ...(vars.SANDBOX_CONTROL_TOKEN ? { controlToken: vars.SANDBOX_CONTROL_TOKEN } : {}),
    ...(vars.SANDBOX_PARTNER ? { partner: vars.SANDBOX_PARTNER } : {}),
    ...(vars.SANDBOX_SCENARIO ? { scenario: vars.SANDBOX_SCENARIO } : {}),
    ...(vars.SANDBOX_SEED === undefined ? {} : { seed: vars.SANDBOX_SEED }),
    ...(vars.SANDBOX_PERSONS === undefined ? {} : { persons: vars.SANDBOX_PERSONS }),
    ...(vars.SANDBOX_FIXTURES ? { fixturesDir: vars.SANDBOX_FIXTURES } : {}),
    ...(vars.SANDBOX_NOW ? { now: vars.SANDBOX_NOW } : {}),
  });
  const health = sandbox.health();
  const records = typeof health.records === 'object' && health.records !== null ? Object.entries(health.records) : [];
  const counts = records.map(([type, count]) => `${type} ${String(count)}`).join(', ');
  process.stdout.write(`gemeente StUF sandbox (${sandbox.partner}, ontvanger ${sandbox.ontvanger}) listening on ${sandbox.serviceUrl} (scenario ${String(health.scenario)}: ${counts}; ${String(health.mutations)} mutations)\n`);
  process.stdout.write(`control API at ${sandbox.url}/__control (Authorization: Bearer <SANDBOX_CONTROL_TOKEN>)\n`);
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : 'gemeente sandbox failed to start'}\n`);
  process.exit(2);
}

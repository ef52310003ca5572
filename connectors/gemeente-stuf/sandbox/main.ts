import { z } from 'zod';
import { readSandboxEnv, recordCounts, runSandboxProcess } from '../../../src/sandbox/sandbox-process.js';
import { startGemeenteSandbox } from './server.js';

/**
 * `tsx connectors/gemeente-stuf/sandbox/main.ts`: the gemeente sandbox as a process, configured
 * from the common `SANDBOX_*` variables plus `SANDBOX_PARTNER` (`partners/README.md` §2.1,
 * `partners/gemeente-stuf.md` §9): one process plays one gemeente partner.
 */
const { common, vars } = readSandboxEnv('gemeente sandbox', { SANDBOX_PARTNER: z.string().min(1).optional() });

await runSandboxProcess('gemeente sandbox', () => startGemeenteSandbox({
  ...common,
  ...(vars.SANDBOX_PARTNER ? { partner: vars.SANDBOX_PARTNER } : {}),
}), (sandbox) => {
  const health = sandbox.health();
  return [
    `gemeente StUF sandbox (${sandbox.partner}, ontvanger ${sandbox.ontvanger}) listening on ${sandbox.serviceUrl} (scenario ${String(health.scenario)}: ${recordCounts(health)}; ${String(health.mutations)} mutations)`,
    `control API at ${sandbox.url}/__control (Authorization: Bearer <SANDBOX_CONTROL_TOKEN>)`,
  ];
});

import { z } from 'zod';
import { readSandboxEnv, recordCounts, runSandboxProcess, sandboxNumber } from '../../../src/sandbox/sandbox-process.js';
import { startGgzSandbox } from './server.js';

/**
 * `tsx connectors/ggz-fhir/sandbox/main.ts`: the ggz sandbox as a process, configured from the
 * environment (`partners/README.md` §2.1, `partners/ggz-fhir-r4.md` §5.1 and §8): the common
 * `SANDBOX_*` variables plus `SANDBOX_CONSENT_BASE` and `SANDBOX_PAGING_TTL_SECONDS`.
 */
const { common, vars } = readSandboxEnv('ggz sandbox', {
  SANDBOX_CONSENT_BASE: z.string().min(1).optional(),
  SANDBOX_PAGING_TTL_SECONDS: sandboxNumber.optional(),
});

await runSandboxProcess('ggz sandbox', () => startGgzSandbox({
  ...common,
  ...(vars.SANDBOX_CONSENT_BASE ? { consentBase: vars.SANDBOX_CONSENT_BASE } : {}),
  ...(vars.SANDBOX_PAGING_TTL_SECONDS === undefined ? {} : { pagingTtlSeconds: vars.SANDBOX_PAGING_TTL_SECONDS }),
}), (sandbox) => [
  `ggz FHIR sandbox listening on ${sandbox.baseUrl} (scenario ${String(sandbox.health().scenario)}: ${recordCounts(sandbox.health())})`,
  ...(sandbox.consentBaseUrl ? [`consent service at ${sandbox.consentBaseUrl}`] : []),
  `control API at ${sandbox.url}/__control (Authorization: Bearer <SANDBOX_CONTROL_TOKEN>)`,
]);

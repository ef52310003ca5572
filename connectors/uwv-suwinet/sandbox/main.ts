import { readSandboxEnv, recordCounts, runSandboxProcess } from '../../../src/sandbox/sandbox-process.js';
import { startUwvSandbox } from './server.js';

/**
 * `tsx connectors/uwv-suwinet/sandbox/main.ts`: the UWV sandbox as a process, configured from the
 * common `SANDBOX_*` variables (`partners/README.md` §2.1, `partners/uwv-suwinet.md` §9).
 */
const { common } = readSandboxEnv('uwv sandbox', {});

await runSandboxProcess('uwv sandbox', () => startUwvSandbox(common), (sandbox) => [
  `UWV Suwinet sandbox listening on ${sandbox.url} (scenario ${String(sandbox.health().scenario)}: ${recordCounts(sandbox.health())})`,
  `inkomsten at ${sandbox.inkomstenUrl}`,
  `werknemersverzekeringen at ${sandbox.werknemersverzekeringenUrl}`,
  `control API at ${sandbox.url}/__control (Authorization: Bearer <SANDBOX_CONTROL_TOKEN>)`,
]);

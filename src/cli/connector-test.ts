import { fileURLToPath } from 'node:url';
import { connectorFolder, loadContractSubject } from '../connector-kit/load-subject.js';
import { runContract, type ContractResult } from '../connector-kit/run-contract.js';

/**
 * `werkbrug connector test <name> [--check <id>…] [--dir <folder>]`: runs the connector contract
 * kit for `connectors/<name>/contract.ts` against the connector's own sandbox and prints each
 * check ✓/✗ with its duration and, for a failure, what was expected and what came. From a build
 * (`npx werkbrug`) it loads the compiled connector under `dist/`; a connector that is only
 * TypeScript (freshly scaffolded) runs from source: `npm run werkbrug -- connector test <name>`.
 * Exit 0 when every check passed, 1 when one failed, 2 when the connector or a check id is unknown.
 */
function line(result: ContractResult): string {
  const mark = result.ok ? '✓' : '✗';
  const head = `${mark} ${result.id} (${result.durationMs} ms)`;
  return result.ok ? `${head}\n` : `${head}\n    ${(result.failure ?? '').split('\n').join('\n    ')}\n`;
}

export async function connectorTestCommand(name: string, options: { check?: readonly string[]; dir?: string }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const compiled = fileURLToPath(import.meta.url).endsWith('.js');
  const folder = options.dir ?? connectorFolder(name, compiled);
  let subject;
  try {
    subject = await loadContractSubject(folder);
  } catch (error) {
    out.write(`werkbrug: ${error instanceof Error ? error.message : 'cannot load the contract subject'}\n`);
    return 2;
  }
  out.write(`connector ${subject.connector.id} (kind ${subject.kind}) against its sandbox:\n`);
  const started = performance.now();
  let report;
  try {
    report = await runContract(subject, { ...(options.check ? { only: options.check } : {}), onResult: (result) => out.write(line(result)) });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    out.write(`werkbrug: ${error.message}\n`);
    return 2;
  }
  const passed = report.results.filter((result) => result.ok).length;
  out.write(`${passed} of ${report.results.length} checks passed in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return report.ok ? 0 : 1;
}

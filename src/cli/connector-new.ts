import { relative } from 'node:path';
import { scaffoldConnector } from '../connector-kit/scaffold/scaffold.js';

/**
 * `werkbrug connector new <name> --kind fhir|soap|rest [--dir <folder>]`: scaffolds a connector
 * folder that passes the contract kit against its own sandbox as written. It never edits
 * `src/connector/registry.ts`: for a folder under `connectors/` it prints the two lines to add, so
 * the developer registers the connector when it is ready. Exit 0, or 2 for bad input (thrown).
 */
export function connectorNewCommand(name: string, options: { kind: string; dir?: string }, out: NodeJS.WritableStream = process.stdout): number {
  const result = scaffoldConnector({ name, kind: options.kind, ...(options.dir === undefined ? {} : { dir: options.dir }) });
  const where = relative(process.cwd(), result.dir) || '.';
  out.write(`created connector ${name} (kind ${options.kind}) in ${where}:\n`);
  for (const file of result.files) out.write(`  ${where}/${file}\n`);
  out.write(`\nnext: fill in source-schema.ts and mapping.ts (see ${where}/README.md), then\n  npm run werkbrug -- connector test ${name}${options.dir === undefined ? '' : ` --dir ${where}`}\n`);
  if (result.registryLines) {
    out.write('\nto register it, add to src/connector/registry.ts:\n');
    for (const line of result.registryLines) out.write(`  ${line}\n`);
  }
  return 0;
}

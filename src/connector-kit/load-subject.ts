import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContractSubject } from './contract-subject.js';
import { packageRoot } from '../support/package-root.js';

/**
 * Finds and loads `contractSubject` from a connector folder's `contract.ts` (or the compiled
 * `contract.js`), by folder, so a connector is tested as soon as its folder has one, registered or
 * not. TypeScript is only importable under tsx or vitest: run the CLI from source
 * (`npm run werkbrug -- connector test <name>`) for a connector that is not compiled.
 *
 * Throws an Error naming the file when there is none or it exports no usable subject.
 */
export function contractFile(folder: string): string | undefined {
  return ['contract.ts', 'contract.js'].map((name) => join(folder, name)).find((file) => existsSync(file));
}

/** `connectors/<id>` folders (of the checkout) that have a contract file, by id. */
export function connectorsWithContract(root = join(packageRoot(), 'connectors')): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && contractFile(join(root, entry.name)) !== undefined)
    .map((entry) => entry.name)
    .sort();
}

function isSubject(value: unknown): value is ContractSubject<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const subject = value as Record<string, unknown>;
  const connector = subject.connector as Record<string, unknown> | undefined;
  return typeof connector === 'object' && connector !== null && typeof connector.id === 'string' && typeof connector.pull === 'function' &&
    ['startSandbox', 'settings', 'expected', 'mutate', 'faultMatch'].every((name) => typeof subject[name] === 'function') &&
    typeof subject.smallScenarioPersons === 'number';
}

export async function loadContractSubject(folder: string): Promise<ContractSubject<unknown>> {
  const file = contractFile(resolve(folder));
  if (file === undefined) throw new Error(`no contract.ts in ${folder}: a connector exports its contractSubject from there (docs/connectors.md)`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const hint = file.endsWith('.ts') ? ' (TypeScript loads only from source: npm run werkbrug -- connector test …)' : '';
    throw new Error(`cannot load ${file}${hint}: ${error instanceof Error ? error.message : 'unknown error'}`, { cause: error });
  }
  const subject = module.contractSubject;
  if (!isSubject(subject)) throw new Error(`${file} must export contractSubject: a ContractSubject (src/connector-kit/contract-subject.ts)`);
  return subject;
}

/** The folder of connector `name`: `connectors/<name>` of the checkout (source) or of `dist/` (compiled). */
export function connectorFolder(name: string, compiled: boolean): string {
  return join(packageRoot(), ...(compiled ? ['dist'] : []), 'connectors', name);
}

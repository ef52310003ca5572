import type { ContractCheck } from './contract-check.js';
import { isWerkbrugError } from '../errors/werkbrug-error.js';
import { ContractFailure } from './contract-failure.js';
import type { ContractSubject } from './contract-subject.js';
import { contractChecks } from './contract-checks.js';

/**
 * Runs the kit's checks one after another (each starts its own sandbox) and reports every result,
 * failures included: a failing check never stops the rest. Used by `werkbrug connector test`.
 */
export interface ContractResult {
  readonly id: string;
  readonly title: string;
  readonly ok: boolean;
  readonly durationMs: number;
  /**
   * The failure text: a `ContractFailure`'s message; `the connector failed: …` for a WerkbrugError
   * that escaped the connector (a fault not retried, a page it could not read); `crashed: …` for
   * anything else.
   */
  readonly failure?: string;
}

export interface RunContractOptions {
  /** Only the checks with these ids (all when absent). An unknown id is an error. */
  readonly only?: readonly string[];
  readonly onResult?: (result: ContractResult) => void;
  /** The checks to run (default `contractChecks(subject)`); tests pass their own. */
  readonly checks?: readonly ContractCheck[];
}

export interface ContractReport {
  readonly connector: string;
  readonly results: readonly ContractResult[];
  readonly ok: boolean;
}

export function describeFailure(error: unknown): string {
  if (error instanceof ContractFailure) return error.message;
  if (isWerkbrugError(error)) return `the connector failed: ${error.message}`;
  return `crashed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'a non-error was thrown'}`;
}

export async function runContract<Config>(subject: ContractSubject<Config>, options: RunContractOptions = {}): Promise<ContractReport> {
  const all = options.checks ?? contractChecks(subject);
  const unknown = (options.only ?? []).filter((id) => !all.some((check) => check.id === id));
  if (unknown.length > 0) throw new RangeError(`no contract check ${unknown.join(', ')}; the checks are ${all.map((check) => check.id).join(', ')}`);
  const chosen = options.only && options.only.length > 0 ? all.filter((check) => options.only?.includes(check.id)) : all;
  const results: ContractResult[] = [];
  for (const check of chosen) {
    const started = performance.now();
    let failure: string | undefined;
    try {
      await check.run();
    } catch (error) {
      failure = describeFailure(error);
    }
    const result: ContractResult = { id: check.id, title: check.title, ok: failure === undefined, durationMs: Math.round(performance.now() - started), ...(failure === undefined ? {} : { failure }) };
    results.push(result);
    options.onResult?.(result);
  }
  return { connector: subject.connector.id, results, ok: results.every((result) => result.ok) };
}

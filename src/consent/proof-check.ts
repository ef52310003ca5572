import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { WerkbrugError } from '../errors/werkbrug-error.js';

/**
 * What checking a proof found, step by step, so a privacy officer sees which part held and which
 * did not ("the entry matches its hash", "the path leads to the signed root", …).
 */
export interface ProofStep {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ProofCheck {
  readonly ok: boolean;
  readonly steps: readonly ProofStep[];
}

export const proofCheck = (steps: readonly ProofStep[]): ProofCheck => ({ ok: steps.every((s) => s.ok), steps });

/** Reads a proof or checkpoint file against `schema`; throws WB_CONSENT_FILE_INVALID naming the file and the first bad field. */
export async function readProofFile<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file, expected: `a readable ${what} file` });
  }
  return parseProofText(text, file, schema, what);
}

export function parseProofText<T>(text: string, file: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Node's JSON.parse quotes its input; a proof holds a log entry, so never pass that on.
    throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file, expected: `a JSON ${what}`, got: 'text that is not JSON' });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WerkbrugError('WB_CONSENT_FILE_INVALID', { file, field: issue?.path.join('.') || `(${what})`, expected: issue?.message ?? what });
  }
  return parsed.data;
}

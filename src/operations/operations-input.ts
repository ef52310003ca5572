import type { Config, PartnerConfig } from '../config/schema.js';
import { WerkbrugError, isWerkbrugError } from '../errors/werkbrug-error.js';

/**
 * What operations types on the command line, checked before anything is opened or changed: a
 * partner id from the config, an output format, a limit, and the free text of `pause --reason`
 * and `--by`. Every refusal is `WB_OPERATIONS_INPUT_INVALID` naming the option (exit 2).
 */

export const outputFormats = ['table', 'json'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function operationsInputError(field: string, expected: string, got?: string, file?: string): WerkbrugError {
  return new WerkbrugError('WB_OPERATIONS_INPUT_INVALID', { field, expected, ...(got !== undefined ? { got } : {}), ...(file !== undefined ? { file } : {}) });
}

/** Writes the refusal to stderr and returns exit code 2; rethrows anything else. */
export function refusedInput(error: unknown, writeError: (text: string) => void = (text) => process.stderr.write(text)): number {
  if (isWerkbrugError(error) && error.code === 'WB_OPERATIONS_INPUT_INVALID') {
    writeError(`werkbrug: ${error.message}\n  what to do: ${error.action}\n`);
    return 2;
  }
  throw error;
}

/** Quotes an operator's input for an error message, cut short and with control characters shown as `?`. */
function echo(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value).replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** The partner with this id in the config; refuses an unknown id naming the file and the known ids. */
export function requirePartner(config: Config, configFile: string, partnerId: string, option = 'partner'): PartnerConfig {
  const partner = config.partners.find((p) => p.id === partnerId);
  if (partner === undefined) {
    throw operationsInputError(option, `a partner id of the config: ${config.partners.map((p) => p.id).join(', ')}`, echo(partnerId), configFile);
  }
  return partner;
}

export function chooseFormat(value: string | undefined): OutputFormat {
  const chosen = value ?? 'table';
  if (!(outputFormats as readonly string[]).includes(chosen)) throw operationsInputError('--format', `one of ${outputFormats.join(', ')}`, echo(chosen));
  return chosen as OutputFormat;
}

export function parseLimit(value: string | undefined, fallback: number, max = 10_000): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,6}$/.test(value) || Number(value) < 1 || Number(value) > max) throw operationsInputError('--limit', `a whole number from 1 to ${max}`, echo(value));
  return Number(value);
}

export const maxReasonLength = 200;

// A BSN as people write it: nine digits in a row, or grouped 3-3-3 or 4-2-3 with spaces, dots or
// dashes. Eight digits in a row are refused too (a BSN written without its leading zero). Dates
// (2026-11-25, 25.11.2026) and times stay allowed: their groups are shorter.
const bsnLike = /\d{8,}|\d{3}[ .-]\d{3}[ .-]\d{3}|\d{4}[ .-]\d{2}[ .-]\d{3}(?!\d)/;

/**
 * The reason of `werkbrug pause`: one line of at most 200 characters about the partner, never
 * about a person. Anything that looks like a BSN is refused, so no personal data lands in the
 * store (brief, invariant 1); the message does not echo it.
 */
export function checkPauseReason(reason: string | undefined, option = '--reason'): string | undefined {
  if (reason === undefined) return undefined;
  const trimmed = reason.trim();
  if (trimmed === '') return undefined;
  if (trimmed.length > maxReasonLength) throw operationsInputError(option, `at most ${maxReasonLength} characters`, `${trimmed.length} characters`);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw operationsInputError(option, 'one line of text without control characters');
  if (bsnLike.test(trimmed)) throw operationsInputError(option, 'a reason about the partner without a BSN or other personal data (it contains a number that looks like a BSN)');
  return trimmed;
}

/** `--by`: who paused or resumed; a user name, no BSN. */
export function checkActor(by: string): string {
  const trimmed = by.trim();
  if (!/^[\p{L}\p{N} ._@'-]{1,64}$/u.test(trimmed)) throw operationsInputError('--by', 'a user name of 1 to 64 letters, digits, spaces or . _ @ \' -', echo(trimmed));
  if (bsnLike.test(trimmed)) throw operationsInputError('--by', 'a user name, not a number that looks like a BSN');
  return trimmed;
}

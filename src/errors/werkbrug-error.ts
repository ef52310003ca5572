import { errorCatalog, type ErrorCode } from './catalog.js';

/**
 * Where an error happened and what was expected. Values echoed in `got` are config values or the
 * shape of record data ("a number"), never a secret and never record content.
 */
export interface ErrorPlace {
  readonly file?: string;
  readonly field?: string;
  readonly expected?: string;
  readonly got?: string;
  readonly sourceRef?: string;
  readonly partner?: string;
  readonly detail?: string;
}

/** The one error class of werkbrug: a stable code from the catalogue and a place. */
export class WerkbrugError extends Error {
  readonly code: ErrorCode;
  readonly where: ErrorPlace;

  constructor(code: ErrorCode, where: ErrorPlace, options?: { cause?: unknown }) {
    super(describeError(code, where), options);
    this.name = 'WerkbrugError';
    this.code = code;
    this.where = where;
  }

  get retryable(): boolean {
    return errorCatalog[this.code].retryable;
  }

  get action(): string {
    return errorCatalog[this.code].action;
  }
}

/** `WB_CONFIG_INVALID config/werkbrug.yaml partners[1].schedule: expected …, got "…"` */
export function describeError(code: ErrorCode, where: ErrorPlace): string {
  const head = [code, where.partner ? `partner ${where.partner}` : undefined, where.file, where.sourceRef]
    .filter((part): part is string => part !== undefined && part !== '')
    .join(' ');
  const field = where.field !== undefined ? ` ${where.field}:` : '';
  const expected = where.expected !== undefined ? ` expected ${where.expected}` : '';
  const got = where.got !== undefined ? `, got ${where.got}` : '';
  const detail = where.detail !== undefined ? `${expected || got ? '; ' : ' '}${where.detail}` : '';
  return `${head}${field}${expected}${got}${detail}`;
}

export function isWerkbrugError(value: unknown): value is WerkbrugError {
  return value instanceof WerkbrugError;
}

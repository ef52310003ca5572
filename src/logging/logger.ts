import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Structured logs with pino. Messages are fixed phrases; numbers and ids go in fields. No record,
 * payload, parser error or whole config is ever logged: the redaction paths below are a second
 * line of defence for fields that identify a person or hold a secret, fixed at start-up.
 */
// Top-level `name` is pino's own logger name, so only nested `name` fields are redacted.
export const redactPaths = [
  'bsn', '*.bsn', '*.name', 'birthDate', '*.birthDate', 'address', '*.address', 'telecom', '*.telecom',
  'text', '*.text', 'note', '*.note', 'token', '*.token', 'key', '*.key', 'password', '*.password',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'body', '*.body', 'record', '*.record',
];

export type { Logger };

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; defaults to stdout. Tests pass a sink to read every line. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: 'werkbrug',
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** An error as log fields: code, retryable and the catalogue message (which never holds record data). */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    const { code, message } = error as { code: string; message?: string };
    return { code, error: code.startsWith('WB_') ? message : code };
  }
  return { error: error instanceof Error ? error.name : 'unknown error' };
}

import { refusedInput } from '../operations/operations-input.js';
import { openOperationsContext, type OperationsContext } from './operations-context.js';

/**
 * What an operations command writes to and reads its clock from: stdout, stderr and now in
 * production; a buffer and a fixed instant in tests, which call the commands in-process.
 */
export interface CommandIo {
  readonly write?: (text: string) => void;
  readonly writeError?: (text: string) => void;
  readonly now?: () => Date;
  /** Tests: the store schema of their own (PostgreSQL). */
  readonly storeSchema?: string;
}

export interface ResolvedIo {
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
  readonly now: () => Date;
  readonly storeSchema: string | undefined;
}

export function resolveIo(io: CommandIo = {}): ResolvedIo {
  return {
    write: io.write ?? ((text) => process.stdout.write(text)),
    writeError: io.writeError ?? ((text) => process.stderr.write(text)),
    now: io.now ?? (() => new Date()),
    storeSchema: io.storeSchema,
  };
}

export const defaultConfigFile = 'config/midden-utrecht.yaml';

/**
 * Opens the operations context, runs the command in it and closes it; a refused input (a
 * WerkbrugError, a bad config) is written to stderr and becomes the exit code, as everywhere.
 */
export async function inOperationsContext(
  configFile: string, env: NodeJS.ProcessEnv, io: Pick<ResolvedIo, 'writeError' | 'storeSchema'>, queues: 'none' | 'optional',
  action: (context: OperationsContext) => Promise<number>,
): Promise<number> {
  const context = await openOperationsContext({ configFile, env, queues, ...(io.storeSchema ? { schema: io.storeSchema } : {}) });
  try {
    return await action(context);
  } catch (error) {
    return refusedInput(error, io.writeError);
  } finally {
    await context.close();
  }
}

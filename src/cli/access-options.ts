import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';

/**
 * The actor options every command that shows privacy data takes, for its access-log entry
 * (`src/privacy/access-log.ts`): who runs it, on whose behalf, under which authorisation. Without
 * --user the operating system's user name is recorded, so an entry always names someone.
 */
export function addAccessOptions(command: Command): Command {
  return command
    .option('--user <name>', 'who looks at the data, for the access log (default: the operating-system user)')
    .option('--on-behalf-of <who>', 'on whose behalf, for the access log (e.g. "FG ggz-altrecht")')
    .option('--authorisation <ref>', 'the request or mandate this access rests on, for the access log');
}

const actorOptions = z.object({
  user: z.string().trim().min(1).optional(),
  onBehalfOf: z.string().trim().min(1).optional(),
  authorisation: z.string().trim().min(1).optional(),
});

export interface AccessActor {
  readonly user: string;
  readonly onBehalfOf: string | null;
  readonly authorisation: string | null;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment is the next best witness.
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** The actor from a command's parsed options (commander camel-cases --on-behalf-of). */
export function accessActor(options: unknown): AccessActor {
  const parsed = actorOptions.parse(typeof options === 'object' && options !== null ? options : {});
  return {
    user: parsed.user ?? osUser(),
    onBehalfOf: parsed.onBehalfOf ?? null,
    authorisation: parsed.authorisation ?? null,
  };
}

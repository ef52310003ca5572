import { z } from 'zod';

/**
 * Where and how signed checkpoints of the consent log are written (issue 5): outside the store,
 * so the operator alone cannot rewrite history. Extended by the checkpoint work.
 */
export const checkpointSettingsSchema = z.strictObject({
  dir: z.string().min(1).default('.werkbrug/checkpoints').describe('Folder the signed checkpoints of the consent log are written to (outside the store). Relative to the working directory.'),
});

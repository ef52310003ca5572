import { z } from 'zod';
import { checkpointSettingsSchema } from './checkpoint-settings.js';
import { retentionSettingsSchema } from './retention-settings.js';

/** The `privacy` section of the region config: signed checkpoints of the consent log, and retention. */
export const privacySchema = z.strictObject({
  checkpoints: checkpointSettingsSchema.prefault({}).describe('Signed checkpoints of the consent log, kept outside the store.'),
  retention: retentionSettingsSchema.prefault({}).describe('How long records are kept per purpose.'),
});

import { z } from 'zod';

/** How long stored records are kept per purpose before they are purged (issue 5). Extended by the retention work. */
export const retentionSettingsSchema = z.strictObject({});

import { z } from 'zod';

/**
 * Where and how signed checkpoints of the consent log are written (issue 5): outside the store,
 * so the operator alone cannot rewrite history. A checkpoint is also handed to every partner's
 * privacy officer (a folder each, or a webhook), so that a rewritten log is found against a copy
 * the operator does not hold. Format and verification: `docs/privacy/log-verification.md`.
 */
const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)');
const partnerId = z.string().max(40).regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'a partner id as in reference/partners-<region>.csv');

export const checkpointCopySchema = z.strictObject({
  partner: partnerId.describe('The partner whose privacy officer keeps this copy (e.g. ggz-altrecht).'),
  dir: z.string().min(1).describe('Folder the copy is written to (a share that partner controls). Relative to the working directory.'),
});

export const checkpointWebhookSchema = z.strictObject({
  partner: partnerId.describe('The partner whose privacy officer receives the checkpoint.'),
  url: z.url({ protocol: /^https?$/ }).describe('Where each checkpoint is POSTed as JSON (application/json).'),
  secretHeaderEnv: envName.optional().describe('Environment variable holding one header line sent with the POST, e.g. "Authorization: Bearer …".'),
});

export const checkpointSettingsSchema = z.strictObject({
  dir: z.string().min(1).default('.werkbrug/checkpoints').describe('Folder the signed checkpoints of the consent log are written to (outside the store). Relative to the working directory.'),
  keyEnv: envName.default('WERKBRUG_CHECKPOINT_KEY').describe('Environment variable holding the Ed25519 private key that signs checkpoints (PKCS#8 PEM, or its DER in base64).'),
  keyIdEnv: envName.default('WERKBRUG_CHECKPOINT_KEY_ID').describe('Environment variable holding the signing key\'s id (e.g. mu-cp-2025a), written into every checkpoint.'),
  everyEntries: z.number().int().min(1).max(10_000_000).default(1).describe('After a sync, write a checkpoint only when the log grew by at least this many entries since the last one.'),
  copies: z.array(checkpointCopySchema).default([]).describe('A copy of every checkpoint in a folder per partner\'s privacy officer.'),
  webhooks: z.array(checkpointWebhookSchema).default([]).describe('Every checkpoint POSTed to a partner\'s privacy officer; failures are retried a few times, then logged and reported.'),
});

export type CheckpointSettings = z.infer<typeof checkpointSettingsSchema>;

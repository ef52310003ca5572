/**
 * The one catalogue of werkbrug error codes. The word after `WB_` is the area, and each area is a
 * folder under `src/` where the error is raised. `docs/errors.md` lists the same codes with what
 * to do; `test/errors/catalog.test.ts` fails when the two drift apart.
 */
export const errorCatalog = {
  WB_CONFIG_INVALID: { retryable: false, action: 'Correct the named field in the named file and restart.' },
  WB_CONFIG_SECRET_MISSING: { retryable: false, action: 'Set the named environment variable (secrets never sit in config files) and restart.' },
  WB_REDIS_UNREACHABLE: { retryable: true, action: 'Start Redis or set REDIS_URL to a reachable Redis; for the demo and tests, install redis-server so one can be started.' },
  WB_STORE_UNREACHABLE: { retryable: true, action: 'Check DATABASE_URL and that PostgreSQL accepts connections; leave it unset to use the embedded store.' },
  WB_STORE_MIGRATION_CHANGED: { retryable: false, action: 'An applied migration file was changed, renamed or removed. Restore it from the release that applied it; never edit an applied migration, add a new one.' },
  WB_STORE_CONTRACT: { retryable: false, action: 'A werkbrug bug: the pipeline asked the store for something its contract forbids. Keep the failed job and report it.' },
  WB_STORE_WRITE_FAILED: { retryable: true, action: 'None: the batch is retried with back-off and nothing was stored. If it keeps failing, read the cause in the failed job.' },
  WB_PARTNER_UNREACHABLE: { retryable: true, action: 'None: the pull retries with back-off. Pause the partner for planned outages.' },
  WB_PARTNER_AUTH: { retryable: false, action: 'Fix the credential or ask the partner for access; the stream stays stopped.' },
  WB_PARTNER_REQUEST_REJECTED: { retryable: false, action: 'A connector bug: the partner refused the request as malformed. Report it.' },
  WB_PARTNER_RESPONSE_INVALID: { retryable: true, action: 'None: the page is fetched again. If it keeps failing, the partner sends a body werkbrug cannot read; report it to the partner.' },
  WB_PARTNER_PAGING_EXPIRED: { retryable: true, action: 'None: the stream restarts from its stored cursor.' },
  WB_PARTNER_CONFIG_REJECTED: { retryable: false, action: 'The partner answered in a way the configuration forbids (e.g. a next link on another origin). Check the partner base URL.' },
  WB_RECORD_UNMAPPABLE: { retryable: false, action: 'Quarantined. Ask the partner to correct the record at the source.' },
  WB_CONSENT_SOURCE_UNREACHABLE: { retryable: true, action: 'None: decisions that need consent stay pending until the consent source is read again.' },
  WB_CONSENT_LOG_BROKEN: { retryable: false, action: 'The consent log failed verification. Stop writing, keep the store as it is, and call the privacy officer.' },
  WB_CONSENT_CHECKPOINT_KEY_INVALID: { retryable: false, action: 'Set WERKBRUG_CHECKPOINT_KEY to an Ed25519 private key (PKCS#8 PEM, or its DER in base64) and WERKBRUG_CHECKPOINT_KEY_ID to its id; a public key file must be the PEM that `werkbrug consent public-key` printed.' },
  WB_CONSENT_FILE_INVALID: { retryable: false, action: 'Pass the checkpoint or proof file as werkbrug wrote it (format in docs/privacy/log-verification.md); a changed or truncated copy cannot be checked.' },
  WB_CONSENT_PROOF_UNAVAILABLE: { retryable: false, action: 'Check the record reference; when the decision is newer than the latest checkpoint, write one with `werkbrug consent checkpoint` and ask again.' },
  WB_PIPELINE_JOB_FAILED: { retryable: false, action: 'A queue job failed for a reason outside the partner and the store (for example a worker that crashed again and again). Read the failed job and the logs, then start the run again.' },
  WB_PIPELINE_UNBALANCED: { retryable: false, action: 'A sync run read more or fewer records than it accounted for. Keep the run and report it: this is a werkbrug bug.' },
  WB_KEY_INVALID: { retryable: false, action: 'Set WERKBRUG_PSEUDONYM_KEY to 32 random bytes (64 hex characters or base64) and WERKBRUG_PSEUDONYM_KEY_ID to a key id.' },
  WB_PRIVACY_INPUT_INVALID: { retryable: false, action: 'Correct the named option or input (a period, a BSN given on standard input or in a file, an output format) and run the command again; nothing was shown or written.' },
  WB_OPERATIONS_ALERT_UNDELIVERED: { retryable: true, action: 'None: werkbrug sends it again at every check until it arrives. If it keeps failing, check the webhook (operations.alerts.url or urlEnv, the secret in secretEnv) and the receiver; `werkbrug alerts test` sends a test alert.' },
  WB_OPERATIONS_INPUT_INVALID: { retryable: false, action: 'Correct the named option or argument (a partner id from the config, a run id from `werkbrug runs`, a reason without personal data, an output format) and run the command again; nothing was changed.' },
} as const satisfies Record<string, { retryable: boolean; action: string }>;

export type ErrorCode = keyof typeof errorCatalog;
export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

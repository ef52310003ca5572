import type { Config } from '../../config/schema.js';
import { resolveVerifyingKey } from '../../consent/checkpoint-key.js';
import { verifyLog } from '../../consent/log-verification.js';
import type { Logger } from '../../logging/logger.js';
import { errorFields } from '../../logging/logger.js';
import type { ChainVerification, Store } from '../../store/store.js';
import { alertKey, type Observation } from './alert-conditions.js';

/**
 * `consent-log:region`: the check `werkbrug consent verify` makes (the consent log's hash chain,
 * the access log's chain, and — when a public key is at hand — every checkpoint in
 * `privacy.checkpoints.dir`), failing. A checkpoint key that cannot be read is logged and the
 * chains are still checked: a broken key is not a broken log.
 */
function chainDetail(prefix: string, chain: ChainVerification): Record<string, string | number | boolean | null> {
  return chain.ok
    ? { [`${prefix}Ok`]: true, [`${prefix}Entries`]: chain.entries }
    : { [`${prefix}Ok`]: false, [`${prefix}Entries`]: chain.entries, [`${prefix}FirstBadSeq`]: chain.firstBadSeq, [`${prefix}Problem`]: chain.problem };
}

export async function consentLogObservation(store: Store, config: Readonly<Config>, env: NodeJS.ProcessEnv, logger: Logger): Promise<Observation> {
  const key = alertKey('consent-log', 'region');
  const settings = config.privacy.checkpoints;
  let publicKey;
  try {
    publicKey = resolveVerifyingKey(undefined, settings, config.store.embeddedDir, env)?.publicKey;
  } catch (error) {
    logger.error({ ...errorFields(error), alertKey: key }, 'checkpoint key unreadable: only the chains are checked');
  }
  const result = await verifyLog(store, settings.dir, publicKey);
  if (result.ok) return { state: 'clear', alertKey: key };
  const findings: string[] = [];
  if (!result.chain.ok) findings.push(`the consent log at entry #${result.chain.firstBadSeq} (${result.chain.problem})`);
  if (!result.accessLog.ok) findings.push(`the access log at entry #${result.accessLog.firstBadSeq} (${result.accessLog.problem})`);
  const checkpoints = result.checkpoints;
  if (checkpoints !== undefined && !checkpoints.ok) findings.push(`${checkpoints.failed} of ${checkpoints.checked} checkpoints`);
  return {
    state: 'firing',
    alert: {
      alertKey: key, kind: 'consent-log', partnerId: null,
      summary: `Log verification failed: ${findings.join('; ')}. Stop writing and call the privacy officer (werkbrug consent verify).`,
      detail: {
        ...chainDetail('consentLog', result.chain),
        ...chainDetail('accessLog', result.accessLog),
        checkpointsChecked: checkpoints?.checked ?? null,
        checkpointsFailed: checkpoints?.failed ?? null,
      },
    },
  };
}

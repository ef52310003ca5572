import type { Logger } from 'pino';
import { WerkbrugError } from '../errors/werkbrug-error.js';
import { errorFields } from '../logging/logger.js';
import { bindPartner, partnerHttp, type Runtime } from '../pipeline/runtime.js';
import { normaliseBsn } from '../stages/bsn.js';
import type { KeyIdCount, PersonRelink } from '../store/store.js';
import { relinkAndLog } from './key-rotation-relink.js';

/**
 * `werkbrug privacy rotation sweep` (`docs/privacy/key-rotation.md`): the persons a rotation
 * window did not see. An incremental sync re-delivers only what changed, so most persons are
 * never paired at the edge; the sweep asks every partner with a `worklist()` for the persons it
 * still follows (as `worklist.ts` does for UWV), pseudonymises each BSN under both keys in memory
 * and relinks the pairs in the store, one transaction per chunk, each with its `relink` entries.
 * Idempotent: a person already under the new key has nothing under the old one and is skipped.
 *
 * No BSN is written anywhere: the pairs are pseudonyms, the BSNs are dropped as soon as both
 * pseudonyms are made, and the log lines and the result hold counts only. Persons no partner
 * follows any more stay under the old pseudonym; once the old key is destroyed they can no
 * longer be linked to new data (intentional, trajectory format §2). The result counts them.
 */
export interface SweepResult {
  readonly currentKeyId: string;
  readonly previousKeyId: string;
  /** Distinct persons the partners follow (valid BSNs). */
  readonly followed: number;
  /** Of those, persons whose stored rows were moved to the new pseudonym now. */
  readonly relinked: number;
  /** Worklist entries whose BSN fails the 11-proef (not pseudonymised). */
  readonly invalidBsn: number;
  /** Partners whose worklist could not be read (their persons were not swept: run it again). */
  readonly failedSources: readonly string[];
  /** Distinct stored persons still under the previous key id after the sweep: unlinkable once it is destroyed. */
  readonly remainingUnderPrevious: number;
}

const CHUNK = 500;

/**
 * Runs the sweep with the runtime's keys. Throws `WB_CONFIG_SECRET_MISSING` when no rotation
 * window is open (no previous key in the environment): there is nothing to pair with.
 */
export async function sweepRotation(runtime: Runtime, log: Logger): Promise<SweepResult> {
  const pseudonymiser = runtime.pseudonymiser;
  const previousKeyId = pseudonymiser.previousKeyId;
  if (previousKeyId === undefined) {
    const { previousKeyEnv, previousKeyIdEnv } = runtime.config.pseudonym;
    throw new WerkbrugError('WB_CONFIG_SECRET_MISSING', {
      field: `${previousKeyEnv} and ${previousKeyIdEnv}`,
      expected: 'the previous key and its id in the environment: a sweep runs inside a key rotation window only',
    });
  }
  const seen = new Set<string>();
  const failedSources: string[] = [];
  let relinked = 0;
  let invalidBsn = 0;
  for (const partner of runtime.config.partners) {
    if (partner.paused) continue;
    const binding = bindPartner(runtime, partner.id);
    if (!binding.connector.worklist) continue;
    const pairs = new Map<string, PersonRelink>();
    let delivered = 0;
    try {
      const http = partnerHttp(runtime, binding, log.child({ worklistSource: partner.id }));
      for await (const entry of binding.connector.worklist(binding.settings, http)) {
        delivered += 1;
        const bsn = normaliseBsn(entry.bsn);
        if (!bsn.ok) {
          invalidBsn += 1;
          continue;
        }
        const person = pseudonymiser.person(bsn.bsn);
        const previous = pseudonymiser.previousPerson(bsn.bsn);
        if (previous === undefined || seen.has(person)) continue;
        seen.add(person);
        pairs.set(previous, { person, previous });
      }
    } catch (error) {
      // Relinking fewer persons is safe (nothing is lost while the old key exists); the failure
      // is reported so the window is not closed before this partner's persons were swept.
      failedSources.push(partner.id);
      log.warn({ worklistSource: partner.id, ...errorFields(error) }, 'rotation sweep: worklist source failed; its persons were not swept');
    }
    const list = [...pairs.values()];
    pairs.clear();
    let relinkedHere = 0;
    for (let i = 0; i < list.length; i += CHUNK) {
      const chunk = list.slice(i, i + CHUNK);
      const at = runtime.now().toISOString();
      relinkedHere += await runtime.store.transaction((tx) => relinkAndLog(tx, chunk, { at, partnerId: partner.id, runId: null, batchId: null }));
    }
    relinked += relinkedHere;
    log.info({ worklistSource: partner.id, persons: delivered, relinked: relinkedHere }, 'rotation sweep: worklist source swept');
  }
  const remainingUnderPrevious = underKeyId(await runtime.store.personsByKeyId(), previousKeyId);
  const result: SweepResult = { currentKeyId: pseudonymiser.keyId, previousKeyId, followed: seen.size, relinked, invalidBsn, failedSources, remainingUnderPrevious };
  seen.clear();
  log.info({ ...result, failedSources: failedSources.length }, 'rotation sweep finished');
  return result;
}

export function underKeyId(counts: readonly KeyIdCount[], keyId: string): number {
  return counts.find((c) => c.keyId === keyId)?.persons ?? 0;
}

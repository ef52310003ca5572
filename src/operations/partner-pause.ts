import type { QueueSet } from '../../jobs/queues.js';
import type { Config } from '../config/schema.js';
import type { PartnerControl } from '../store/operations-records.js';
import type { Store } from '../store/store.js';
import { releaseHeldWork } from './held-work.js';
import { checkActor, checkPauseReason, requirePartner } from './operations-input.js';

/**
 * `werkbrug pause <partner>` and `werkbrug resume <partner>`: the pause state in the store, which
 * every worker and scheduler reads (the workers hold a paused partner's sync jobs; see
 * held-work.ts). Input is checked before anything changes: an unknown partner, a reason that
 * looks like a BSN or is too long are refused with `WB_OPERATIONS_INPUT_INVALID`.
 */
export interface PauseRequest {
  readonly config: Config;
  readonly configFile: string;
  readonly store: Store;
  readonly partnerId: string;
  readonly by: string;
  readonly reason?: string;
}

export interface PauseOutcome {
  readonly control: PartnerControl;
  /** The state before: it was already paused (the reason and who are updated). */
  readonly wasPaused: boolean;
  /** `paused: true` in the config: it is never scheduled, paused or not. */
  readonly switchedOffInConfig: boolean;
}

export async function pausePartner(request: PauseRequest): Promise<PauseOutcome> {
  const partner = requirePartner(request.config, request.configFile, request.partnerId);
  const by = checkActor(request.by);
  const reason = checkPauseReason(request.reason);
  const wasPaused = await request.store.operations.isPartnerPaused(partner.id);
  const control = await request.store.operations.setPartnerPaused(partner.id, true, by, reason);
  return { control, wasPaused, switchedOffInConfig: partner.paused };
}

export interface ResumeOutcome extends PauseOutcome {
  /** Held jobs promoted at once; null when Redis could not be reached (they look again themselves). */
  readonly released: number | null;
}

/**
 * Marks the partner resumed, then promotes its held work at once when the queues are there. The
 * store comes first: a held job that looks again between the two finds the partner resumed.
 */
export async function resumePartner(request: Omit<PauseRequest, 'reason'> & { readonly queues: Pick<QueueSet, 'sync' | 'pull'> | undefined }): Promise<ResumeOutcome> {
  const partner = requirePartner(request.config, request.configFile, request.partnerId);
  const by = checkActor(request.by);
  const wasPaused = await request.store.operations.isPartnerPaused(partner.id);
  const control = await request.store.operations.setPartnerPaused(partner.id, false, by);
  const released = request.queues === undefined ? null : await releaseHeldWork(request.queues, partner.id);
  return { control, wasPaused, switchedOffInConfig: partner.paused, released };
}

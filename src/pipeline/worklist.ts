import type { Logger } from 'pino';
import type { PersonQuestion } from '../connector/connector.js';
import { errorFields } from '../logging/logger.js';
import { normaliseBsn } from '../stages/bsn.js';
import { amsterdamDate, decideRecord } from '../stages/consent-decision.js';
import { questionPeriod } from '../stages/person-period.js';
import type { Purpose } from '../trajectory/codes.js';
import { unreadableConsentSources } from './consent-readable.js';
import { bindPartner, partnerHttp, type Runtime } from './runtime.js';
import { underEither, windowUnderEither, withPreviousPersons } from '../privacy/key-rotation-edge.js';

/**
 * The worklist of a per-person source (UWV, `partners/uwv-suwinet.md` §1), rebuilt in memory for
 * every run and dropped when the pull ends: the persons the other partners follow (their
 * `worklist()` questions), normalised, 11-proef checked, pseudonymised and de-duplicated; then only
 * those with a permit for a purpose that needs work outcomes, and with a trajectory START the
 * store knows, each with the period to ask about. No BSN is written anywhere: not to Redis, the
 * store, a file or a log line; logs and counts say how many.
 */

/** Purposes that need UWV's work outcomes (`partners/uwv-suwinet.md` §1.2). */
export const WORK_OUTCOME_PURPOSES: readonly Purpose[] = ['P_MONITOR_REGIO', 'P_VERANTWOORDING_COFIN'];

export interface Worklist {
  /** In pseudonym order, so pages are stable between attempts. */
  readonly persons: readonly PersonQuestion[];
  /** `worklist`, `skipped-no-consent`, `skipped-no-start`, `worklist-invalid-bsn`, `worklist-source-failed`. */
  readonly counts: Readonly<Record<string, number>>;
}

const CHUNK = 1000;

export async function buildWorklist(runtime: Runtime, forPartnerId: string, log: Logger): Promise<Worklist> {
  const unreadable = await unreadableConsentSources(runtime, forPartnerId);
  if (unreadable.length > 0) {
    log.warn({ consentSources: unreadable }, 'a consent source could not be read in its latest run; nobody is asked this run');
    return { persons: [], counts: { 'consent-unreadable': unreadable.length } };
  }
  const counts: Record<string, number> = { 'worklist': 0, 'skipped-no-consent': 0, 'skipped-no-start': 0, 'worklist-invalid-bsn': 0, 'worklist-source-failed': 0 };
  const bsnOf = new Map<string, string>();
  // During a key rotation window: new → previous pseudonym. A person not yet relinked has its
  // consent documents and trajectories under the previous one, so both are looked up (read only;
  // the person is relinked when the answers are ingested, or by `privacy rotation sweep`).
  const previousOf = new Map<string, string>();
  for (const partner of runtime.config.partners) {
    if (partner.id === forPartnerId || partner.paused) continue;
    const binding = bindPartner(runtime, partner.id);
    if (!binding.connector.worklist) continue;
    let delivered = 0;
    try {
      const http = partnerHttp(runtime, binding, log.child({ worklistSource: partner.id }));
      for await (const entry of binding.connector.worklist(binding.settings, http)) {
        delivered += 1;
        const bsn = normaliseBsn(entry.bsn);
        if (!bsn.ok) {
          counts['worklist-invalid-bsn'] = (counts['worklist-invalid-bsn'] ?? 0) + 1;
          continue;
        }
        const pseudonym = runtime.pseudonymiser.person(bsn.bsn);
        bsnOf.set(pseudonym, bsn.bsn);
        const previous = runtime.pseudonymiser.previousPerson(bsn.bsn);
        if (previous !== undefined) previousOf.set(pseudonym, previous);
      }
      log.info({ worklistSource: partner.id, persons: delivered }, 'worklist source read');
    } catch (error) {
      // Asking about fewer persons is safe (nothing is removed for a person not asked); the
      // count and the warning make the gap visible, and the next run asks again.
      counts['worklist-source-failed'] = (counts['worklist-source-failed'] ?? 0) + 1;
      log.warn({ worklistSource: partner.id, ...errorFields(error) }, 'worklist source failed; its persons are not asked this run');
    }
  }
  counts.worklist = bsnOf.size;

  const now = runtime.now();
  const today = amsterdamDate(now);
  const purposes = runtime.config.purposes.filter((p) => WORK_OUTCOME_PURPOSES.includes(p));
  const pseudonyms = [...bsnOf.keys()].sort();
  const persons: PersonQuestion[] = [];
  for (let i = 0; i < pseudonyms.length; i += CHUNK) {
    const chunk = pseudonyms.slice(i, i + CHUNK);
    const documents = await runtime.store.transaction((tx) => tx.loadConsentDocuments(withPreviousPersons(chunk, previousOf)));
    const permitted = chunk.filter((pseudonym) => {
      if (purposes.length === 0) return false;
      const decision = decideRecord(purposes, {
        lookup: { kind: 'found', documents: underEither(documents, pseudonym, previousOf) },
        today, now: now.toISOString(), waitingSince: now.toISOString(), maxWaitDays: runtime.config.consent.maxWaitDays,
      });
      return decision.outcome === 'permit';
    });
    counts['skipped-no-consent'] = (counts['skipped-no-consent'] ?? 0) + chunk.length - permitted.length;
    const windows = await runtime.store.personWindows(withPreviousPersons(permitted, previousOf));
    for (const pseudonym of permitted) {
      const window = windowUnderEither(windows, pseudonym, previousOf);
      const bsn = bsnOf.get(pseudonym);
      if (window === undefined || bsn === undefined) {
        counts['skipped-no-start'] = (counts['skipped-no-start'] ?? 0) + 1;
        continue;
      }
      persons.push({ bsn, pseudonym, period: questionPeriod(window, today) });
    }
  }
  bsnOf.clear();
  previousOf.clear();
  log.info({ ...counts, eligible: persons.length }, 'worklist built');
  return { persons, counts };
}

import { addDays, addMonths, amsterdamDate, amsterdamLocal, generatedPerson, mix32, Prng } from '../../../src/sandbox/index.js';
import type { CarePlan, ConsentSummary, ConsentVersionPlan, EpisodePlan, EpisodeStatus, ReferralPlan } from './care-plan.js';
import { CAST_PURPOSES, type ConsentForm, type EndReason, type Purpose, type ReferrerType } from './fhir-systems.js';

/**
 * The care plan of generated person n, from (seed, n) and the person's time slot alone, so a
 * resource can be rebuilt whenever a page serves it. Slots spread the caseload over the ~2 years
 * before the clock's day, ascending with n; every date in a plan lies on or before its slot.
 */
export const CASELOAD_WINDOW_MS = 730 * 86_400_000;
const MAX_SPREAD_MS = 6 * 3_600_000;

export interface SlotGrid {
  /** Amsterdam midnight at the start of the clock's day: everything generated lies before it. */
  readonly anchorMs: number;
  readonly count: number;
}

export function slotOf(grid: SlotGrid, n: number): number {
  return grid.anchorMs - CASELOAD_WINDOW_MS + Math.floor(((n - 0.5) * CASELOAD_WINDOW_MS) / grid.count);
}

/** Offsets of the four resources inside the slot: a separate stream, cheap to recompute for ties. */
function offsets(seed: number, grid: SlotGrid, n: number): readonly [number, number, number, number] {
  const spread = Math.min(MAX_SPREAD_MS, (CASELOAD_WINDOW_MS / grid.count) * 0.9);
  const prng = new Prng(mix32(seed, n, 0x7173));
  const next = (): number => Math.floor(prng.next() * spread);
  return [next(), next(), next(), next()];
}

export function consentLastUpdated(seed: number, grid: SlotGrid, n: number): number {
  // Every 37th person's Consent shares its instant with the one before: an EPD batch import, and
  // the case where ties must be broken by id.
  const m = n % 37 === 0 && n > 1 ? n - 1 : n;
  return slotOf(grid, m) + offsets(seed, grid, m)[3];
}

const ENDS: ReadonlyArray<readonly [EndReason, number]> = [
  ['END_WORK_SUSTAINED', 30], ['END_MAX_DURATION', 20], ['END_CLIENT_STOPPED', 15], ['END_HEALTH', 12], ['END_CARE_ENDED', 8],
  ['END_MOVED', 4], ['END_TRANSFER', 3], ['END_NO_CONTACT', 4], ['END_OTHER', 2], ['END_UNKNOWN', 2],
];
const FUNDING: ReadonlyArray<readonly [string | undefined, number]> = [
  ['GEM_IPS_SUBSIDIE', 55], ['UWV_IPS', 25], ['GEM_REINTEGRATIE', 7], ['UWV_IPS_ONDERZOEK', 2], ['SZW_IPS_CMD_ONDERZOEK', 2], ['ZVW_ZORGVERZEKERAAR', 2], ['OTHER', 1], [undefined, 6],
];
const REFERRERS: ReadonlyArray<readonly [ReferrerType | undefined, number]> = [
  ['ggz-treatment-team', 44], ['ggz-support-team', 15], ['gemeente', 15], ['uwv', 10], ['huisarts', 5], ['self', 6], ['other', 2], [undefined, 3],
];
const FORMS: ReadonlyArray<readonly [ConsentForm | undefined, number]> = [['written', 60], ['digital_signature', 25], ['recorded_verbal', 10], [undefined, 5]];
const DIAGNOSES = ['Schizofrenie', 'Bipolaire stoornis', 'Depressieve stoornis', 'Posttraumatische stressstoornis', 'Persoonlijkheidsstoornis', 'Psychotische stoornis', 'Autismespectrumstoornis'];
const COACHES = ['J. Bakker', 'M. de Wit', 'S. Hendriks', 'A. Öztürk', 'L. van Dam', 'R. Kramer', 'F. el Khatib', 'E. Postma'];

type Path = 'revoked' | EpisodeStatus;
const PATHS: ReadonlyArray<readonly [Path, number]> = [['revoked', 6], ['planned', 3], ['waitlist', 5], ['active', 56], ['onhold', 4], ['finished', 26]];
const CONSENTS: ReadonlyArray<readonly [ConsentSummary, number]> = [['both', 82], ['monitor-only', 7], ['none', 6], ['rejected', 5]];

const at = (date: string, prng: Prng): number => amsterdamLocal(date, `${prng.int(8, 16)}:${String(prng.int(0, 59)).padStart(2, '0')}`) + prng.int(0, 59_999);
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function planGeneratedPerson(seed: number, grid: SlotGrid, n: number, todayDate: string): CarePlan {
  const person = generatedPerson(seed, n);
  const prng = new Prng(mix32(seed, n, 0xca5e));
  const slot = slotOf(grid, n);
  const [patientAt, referralAt, episodeAt] = offsets(seed, grid, n);
  const slotDate = amsterdamDate(slot);
  const key = `g${pad(n, 6)}`;
  const cap = (ms: number): number => Math.min(ms, slot);

  const path = prng.weighted(PATHS);
  const hasReferral = path === 'revoked' || prng.chance(0.92);
  const { queuedFrom, activeFrom, onholdFrom, end } = storyDates(path, slotDate, prng);
  const authoredMs = cap(at(addDays(queuedFrom, -prng.int(1, 21)), prng));
  const year = slotDate.slice(0, 4);

  const referral: ReferralPlan | undefined = hasReferral
    ? {
        id: `sr-${key}`, versionId: path === 'revoked' || activeFrom ? '2' : '1', lastUpdatedMs: slot + referralAt,
        status: path === 'revoked' ? 'revoked' : activeFrom ? 'completed' : 'active', authoredMs,
        ...withOptional('referrerType', prng.weighted(REFERRERS)),
        identifierValue: `VW-${year}-${pad(n, 6)}`,
        ...(path === 'revoked' ? { endReason: 'REFERRAL_NOT_STARTED' as const } : {}),
      }
    : undefined;

  let episode: EpisodePlan | undefined;
  if (path !== 'revoked') {
    const funding = prng.weighted(FUNDING);
    const started = activeFrom !== undefined;
    const from = activeFrom ?? queuedFrom;
    episode = {
      id: `eoc-${key}`, versionId: path === 'finished' ? '3' : started ? '2' : '1', lastUpdatedMs: slot + episodeAt,
      status: path, identifierValue: `IPS-${year}-${pad(n, 6)}`, queuedFrom,
      ...(activeFrom ? { activeFrom } : {}),
      ...(onholdFrom ? { onholdFrom } : {}),
      ...(end ? { end, endReason: prng.weighted(ENDS) } : {}),
      ...withOptional('fundingStream', funding),
      ...(started && prng.chance(0.7) ? within('firstEmployerContact', addDays(from, prng.int(5, 60)), end ?? slotDate) : {}),
      ...(started && prng.chance(0.35) ? within('workStartReported', addDays(from, prng.int(20, 240)), end ?? slotDate) : {}),
      ...(started && funding === 'GEM_IPS_SUBSIDIE' ? { plannedEnd: addMonths(from, 24) } : {}),
      ...(started && prng.chance(0.05) ? within('extendedOn', addMonths(from, 23), end ?? slotDate) : {}),
      ...(started && prng.chance(0.03) ? within('educationStart', addDays(from, prng.int(30, 200)), end ?? slotDate) : {}),
      ...(started && prng.chance(0.08) ? { inWorkAtStart: true } : {}),
      ...(referral && path !== 'planned' ? { referralId: referral.id } : {}),
      ...(prng.chance(0.6) ? { diagnosis: prng.pick(DIAGNOSES) } : {}),
      careManager: prng.pick(COACHES),
    };
  }

  const summary = prng.weighted(CONSENTS);
  const consents: ConsentVersionPlan[][] = [];
  if (summary !== 'none') {
    const dateTimeMs = cap(at(addDays(queuedFrom, prng.int(0, 14)), prng));
    const periodStart = amsterdamDate(dateTimeMs);
    const periodEnd = prng.chance(0.5) ? addDays(addMonths(periodStart, 36), -1) : undefined;
    const purposes: readonly Purpose[] = summary === 'monitor-only' ? ['P_MONITOR_REGIO'] : CAST_PURPOSES;
    consents.push([{
      id: `cns-${key}`, versionId: '1', lastUpdatedMs: consentLastUpdated(seed, grid, n),
      status: summary === 'rejected' ? 'rejected' : 'active', purposes, dateTimeMs, periodStart,
      ...(periodEnd ? { periodEnd } : {}),
      ...withOptional('form', prng.weighted(FORMS)),
      identifierValue: `TST-${year}-${pad(n, 6)}`,
    }]);
  }
  const expired = consents[0]?.[0]?.periodEnd !== undefined && (consents[0][0].periodEnd ?? '') < todayDate;
  return {
    patient: { id: `pat-${key}`, versionId: String(1 + (n % 3 === 0 ? 1 : 0) + (n % 7 === 0 ? 1 : 0)), lastUpdatedMs: slot + patientAt, person, patientNumber: `GGZ-${pad(n, 6)}` },
    ...(referral ? { referral } : {}),
    ...(episode ? { episode } : {}),
    consents,
    consentSummary: expired && summary !== 'rejected' ? 'expired' : summary,
  };
}

interface StoryDates {
  readonly queuedFrom: string;
  readonly activeFrom?: string;
  readonly onholdFrom?: string;
  readonly end?: string;
}

/** Trajectory dates worked backwards from the slot's date, so none lies after it. */
function storyDates(path: Path, slotDate: string, prng: Prng): StoryDates {
  if (path === 'finished') {
    const end = addDays(slotDate, -prng.int(0, 60));
    const activeFrom = addDays(end, -prng.int(60, 900));
    return { queuedFrom: addDays(activeFrom, -prng.int(7, 45)), activeFrom, end };
  }
  if (path === 'active' || path === 'onhold') {
    const activeFrom = addDays(slotDate, -prng.int(path === 'onhold' ? 30 : 0, 540));
    const queuedFrom = addDays(activeFrom, -prng.int(7, 45));
    return path === 'onhold' ? { queuedFrom, activeFrom, onholdFrom: addDays(activeFrom, prng.int(14, 29)) } : { queuedFrom, activeFrom };
  }
  return { queuedFrom: addDays(slotDate, -prng.int(0, 40)) };
}

function withOptional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A date only when it is not after the limit (dates never lie after the person's slot). */
function within<K extends string>(key: K, date: string, limit: string): { [P in K]?: string } {
  return withOptional(key, date <= limit ? date : undefined);
}

import { endCodes, eventCodes, fundingStreams } from '../../../src/trajectory/codes.js';
import type { DraftRecord } from '../../../src/trajectory/trajectory-record.js';
import type { EpisodeOfCare } from '../source-schema.js';
import { calendarDate, dateTimeAsCalendarDate, parseFhirDate } from './dates.js';
import { subjectOf } from './patient.js';
import type { MapInput } from './referral.js';
import { isRefusal, type Refusal } from './refusal.js';
import { carriesToken, codeFrom, codeSystems, extensionUrls, singleExtension, type FoundExtension } from './werkbrug-codes.js';

/**
 * EpisodeOfCare → `trajectory` draft (spec §3.3, trajectory format §5).
 *
 * START is the start of the earliest `statusHistory` entry with status `active`; without one,
 * `period.start` when the status is `active`, `onhold` or `finished`. An episode without START
 * (`planned`, `waitlist`, or `cancelled` before any active period) is not a trajectory in the
 * trajectory format, whose provider records always carry `start_date`: `mapTrajectory` answers
 * `no-start` and the edge sends a tombstone for the key, so the store holds no trajectory for it
 * (and drops one if the EPD took a START back). The referral record carries the waiting state.
 */
export type TrajectoryOutcome = DraftRecord | Refusal | 'no-start';

type EventCode = (typeof eventCodes)[number];
const eventExtensions: ReadonlyArray<readonly [string, EventCode]> = [
  [extensionUrls.firstEmployerContact, 'EMPLOYER_CONTACT_FIRST'],
  [extensionUrls.workStartReported, 'WORK_START'],
  [extensionUrls.extension, 'EXTENSION'],
  [extensionUrls.educationStart, 'EDUCATION_START'],
];

function periodDates(period: EpisodeOfCare['period'], field: string): { start?: string; end?: string } | Refusal {
  const start = period?.start !== undefined ? dateTimeAsCalendarDate(period.start, 'start') : undefined;
  if (period?.start !== undefined && start === undefined) return { stage: 'validate', reason: 'invalid-date', field: `${field}.start`, expected: 'a date with at least year and month' };
  const end = period?.end !== undefined ? dateTimeAsCalendarDate(period.end, 'end') : undefined;
  if (period?.end !== undefined && end === undefined) return { stage: 'validate', reason: 'invalid-date', field: `${field}.end`, expected: 'a date with at least year and month' };
  if (start !== undefined && end !== undefined && end < start) return { stage: 'validate', reason: 'invalid-period', field: `${field}.end`, expected: `${field}.end on or after ${field}.start` };
  return { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
}

function startOf(episode: EpisodeOfCare): string | undefined | Refusal {
  let start: string | undefined;
  for (const [i, entry] of (episode.statusHistory ?? []).entries()) {
    const dates = periodDates(entry.period, `statusHistory[${i}].period`);
    if (isRefusal(dates)) return dates;
    if (entry.status === 'active' && dates.start !== undefined && (start === undefined || dates.start < start)) start = dates.start;
  }
  if (start !== undefined) return start;
  const period = periodDates(episode.period, 'period');
  if (isRefusal(period)) return period;
  return ['active', 'onhold', 'finished'].includes(episode.status) ? period.start : undefined;
}

function dateValue(found: FoundExtension, role: 'start' | 'end'): string | Refusal {
  const value = found.extension.valueDate;
  if (value === undefined) return { stage: 'validate', reason: 'required-missing', field: `${found.field}.valueDate`, expected: 'a valueDate' };
  const date = parseFhirDate(value);
  const calendar = date ? calendarDate(date, role) : undefined;
  return calendar ?? { stage: 'validate', reason: 'invalid-date', field: `${found.field}.valueDate`, expected: 'a date with at least year and month' };
}

export function mapTrajectory(episode: EpisodeOfCare, input: MapInput): TrajectoryOutcome {
  if (!carriesToken(episode.type ?? [], input.codeTokens)) {
    return { stage: 'validate', reason: 'unknown-code', field: 'type', expected: `a coding ${input.codeTokens.join(' or ')}` };
  }
  const period = periodDates(episode.period, 'period');
  if (isRefusal(period)) return period;
  const start = startOf(episode);
  if (isRefusal(start)) return start;
  if (start === undefined) {
    if (['planned', 'waitlist', 'cancelled'].includes(episode.status)) return 'no-start';
    return { stage: 'validate', reason: 'required-missing', field: 'period.start', expected: `the trajectory start for status ${episode.status}` };
  }

  const found = (url: string) => singleExtension(episode.extension, url);
  const funding = found(extensionUrls.fundingStream);
  if (funding !== undefined && isRefusal(funding)) return funding;
  // Never guessed: no funding extension is UNKNOWN (trajectory format §5).
  const fundingStream = funding === undefined ? 'UNKNOWN' : codeFrom(funding.extension.valueCoding, codeSystems.fundingStream, fundingStreams, `${funding.field}.valueCoding`);
  if (typeof fundingStream !== 'string') return fundingStream;

  const reason = found(extensionUrls.endReason);
  if (reason !== undefined && isRefusal(reason)) return reason;
  const endCode = reason === undefined ? undefined : codeFrom(reason.extension.valueCoding, codeSystems.outcome, endCodes, `${reason.field}.valueCoding`);
  if (endCode !== undefined && typeof endCode !== 'string') return endCode;
  const ended = ['finished', 'cancelled'].includes(episode.status);
  if (period.end === undefined && (ended || endCode !== undefined)) {
    return { stage: 'validate', reason: 'required-missing', field: 'period.end', expected: 'the end date of an ended trajectory' };
  }
  if (period.end !== undefined && period.end < start) return { stage: 'validate', reason: 'invalid-period', field: 'period.end', expected: 'period.end on or after the trajectory start' };

  const plannedEnd = found(extensionUrls.plannedEnd);
  if (plannedEnd !== undefined && isRefusal(plannedEnd)) return plannedEnd;
  const plannedEndDate = plannedEnd === undefined ? undefined : dateValue(plannedEnd, 'end');
  if (plannedEndDate !== undefined && typeof plannedEndDate !== 'string') return plannedEndDate;

  const events: Array<{ code: EventCode; date: string }> = [];
  for (const [url, code] of eventExtensions) {
    const event = found(url);
    if (event === undefined) continue;
    if (isRefusal(event)) return event;
    const date = dateValue(event, 'start');
    if (typeof date !== 'string') return date;
    events.push({ code, date });
  }
  events.sort((a, b) => (a.date === b.date ? a.code.localeCompare(b.code) : a.date.localeCompare(b.date)));

  const inWork = found(extensionUrls.inWorkAtStart);
  if (inWork !== undefined && isRefusal(inWork)) return inWork;
  if (inWork !== undefined && inWork.extension.valueBoolean === undefined) {
    return { stage: 'validate', reason: 'required-missing', field: `${inWork.field}.valueBoolean`, expected: 'a valueBoolean' };
  }

  return {
    record_kind: 'trajectory',
    person: input.person.person,
    subject: subjectOf(input.person.patient, start, input.context),
    source: input.source,
    trajectory: {
      programme: 'IPS',
      provider_partner_id: input.context.partnerId,
      funding_stream: fundingStream,
      ...(inWork !== undefined ? { in_work_at_start: inWork.extension.valueBoolean } : {}),
      start_date: start,
      ...(plannedEndDate !== undefined ? { planned_end_date: plannedEndDate } : {}),
      // Spec §6.3: a finished trajectory adds period.end and an end reason; an end without one is END_UNKNOWN.
      ...(period.end !== undefined ? { end_date: period.end, end_code: endCode ?? 'END_UNKNOWN' } : {}),
      ...(events.length > 0 ? { events } : {}),
    },
  };
}

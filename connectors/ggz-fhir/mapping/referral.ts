import type { EdgeContext } from '../../../src/connector/connector.js';
import { referredByCodes } from '../../../src/trajectory/codes.js';
import type { DraftRecord, SourceRef } from '../../../src/trajectory/trajectory-record.js';
import type { ServiceRequest } from '../source-schema.js';
import { dateTimeAsCalendarDate } from './dates.js';
import { subjectOf, type Person } from './patient.js';
import { isRefusal, type Refusal } from './refusal.js';
import { carriesToken, codeFrom, codeSystems, extensionUrls, singleExtension } from './werkbrug-codes.js';

/**
 * ServiceRequest → `referral` draft (spec §3.2, trajectory format §5). `entered-in-error` never
 * gets here: the edge turns it into a retraction first.
 */
export const referrerTypes = ['ggz-treatment-team', 'ggz-support-team', 'gemeente', 'uwv', 'huisarts', 'self', 'other'] as const;
type ReferredBy = (typeof referredByCodes)[number];

// Spec §2: `-` → `_`, and the trajectory format has no huisarts, so a GP referral is `other`.
function referredBy(code: (typeof referrerTypes)[number]): ReferredBy {
  return code === 'huisarts' ? 'other' : (code.replace(/-/g, '_') as ReferredBy);
}

// `completed` means the referral was fulfilled: the trajectory started. `revoked` closed it without
// a start (cast person P9). `draft`, `active`, `on-hold` and `unknown` are still open.
const statusOf = {
  draft: 'open',
  active: 'open',
  'on-hold': 'open',
  unknown: 'open',
  completed: 'started',
  revoked: 'not_started',
} as const;

export interface MapInput {
  readonly source: SourceRef;
  readonly person: Person;
  readonly context: EdgeContext;
  readonly codeTokens: readonly string[];
}

export function mapReferral(request: ServiceRequest, input: MapInput): DraftRecord | Refusal {
  if (!carriesToken(request.code ? [request.code] : [], input.codeTokens)) {
    return { stage: 'validate', reason: 'unknown-code', field: 'code.coding', expected: `a coding ${input.codeTokens.join(' or ')}` };
  }
  if (request.authoredOn === undefined) return { stage: 'validate', reason: 'required-missing', field: 'authoredOn', expected: 'the date of the referral' };
  const referralDate = dateTimeAsCalendarDate(request.authoredOn, 'start');
  if (referralDate === undefined) return { stage: 'validate', reason: 'invalid-date', field: 'authoredOn', expected: 'a date with at least year and month' };

  const referrer = singleExtension(request.extension, extensionUrls.referrerType);
  if (referrer !== undefined && isRefusal(referrer)) return referrer;
  let by: ReferredBy = 'unknown';
  if (referrer !== undefined) {
    const code = codeFrom(referrer.extension.valueCoding, codeSystems.referrerType, referrerTypes, `${referrer.field}.valueCoding`);
    if (typeof code !== 'string') return code;
    by = referredBy(code);
  }
  // Only `REFERRAL_NOT_STARTED` belongs on a referral (spec §2); the status already says it.
  const endReason = singleExtension(request.extension, extensionUrls.endReason);
  if (endReason !== undefined && isRefusal(endReason)) return endReason;
  if (endReason !== undefined) {
    const code = codeFrom(endReason.extension.valueCoding, codeSystems.outcome, ['REFERRAL_NOT_STARTED'] as const, `${endReason.field}.valueCoding`);
    if (typeof code !== 'string') return code;
  }
  if (request.status === 'entered-in-error') return { stage: 'map', reason: 'invalid-value', field: 'status', expected: 'a status other than entered-in-error here' };

  return {
    record_kind: 'referral',
    person: input.person.person,
    subject: subjectOf(input.person.patient, referralDate, input.context),
    source: input.source,
    referral: {
      programme: 'IPS',
      referral_date: referralDate,
      referred_by: by,
      // The EPD's own IPS team delivers what is referred in its EPD; a performer elsewhere would need a URA table.
      provider_partner_id: input.context.partnerId,
      status: statusOf[request.status],
    },
  };
}

import type { ConsentDocument, ConsentProvision } from '../consent/consent-document.js';
import type { Purpose } from '../trajectory/codes.js';

/**
 * The consent decision for one person and one purpose (brief, invariant 2; `partners/ggz-fhir-r4.md`
 * §5). Pure: the caller passes the consent state it could read, today's Amsterdam calendar date and
 * how long the record has waited. Every path that is not a clear permit waits or refuses, and every
 * outcome names its rule (`consentRules`, documented in `docs/consent-rules.md`).
 */
export type ConsentLookup = { readonly kind: 'found'; readonly documents: readonly ConsentDocument[] } | { readonly kind: 'unreachable' };

export type RefuseReason =
  | 'no-consent' | 'refused' | 'withdrawn' | 'expired' | 'other-purpose' | 'other-recipient' | 'not-understood' | 'entered-in-error';
export type PendingReason = 'source-unreachable' | 'awaiting-consent' | 'not-yet-valid';

export type ConsentDecision =
  | { readonly outcome: 'permit'; readonly rule: ConsentRuleId; readonly consentRef: string }
  | { readonly outcome: 'refuse'; readonly rule: ConsentRuleId; readonly reason: RefuseReason; readonly consentRef?: string }
  | { readonly outcome: 'pending'; readonly rule: ConsentRuleId; readonly reason: PendingReason; readonly consentRef?: string };

/** Rule ids with the sentence a privacy officer reads. */
export const consentRules = {
  'CR00-consent-record': 'A consent record itself is kept, for the purposes it names, to evaluate and prove consent (trajectory format §5).',
  'CR01-source-unreachable': 'The consent source could not be read in this run: the record waits (pending), never permit.',
  'CR02-awaiting-consent': 'No consent document for this person yet: the record waits until the waiting time is over.',
  'CR03-no-consent-after-wait': 'Still no consent after the waiting time: refused.',
  'CR04-permit': 'The most recent active consent naming the purpose permits it, within its period, for this region and for disclosure.',
  'CR05-deny': 'The most recent consent naming the purpose denies it (a top-level deny provision).',
  'CR06-rejected': 'The most recent consent naming the purpose has status rejected.',
  'CR07-withdrawn': 'The most recent consent naming the purpose has status inactive (withdrawn or ended).',
  'CR08-expired': 'The consent naming the purpose ended before today (provision.period.end).',
  'CR09-not-yet-valid': 'The consent naming the purpose starts after today: the record waits.',
  'CR10-carve-out': 'A nested deny provision of the consent excludes this purpose.',
  'CR11-other-purpose': 'The person has consent documents, but none names this purpose.',
  'CR12-other-recipient': 'The consent lists recipients and this region is not one of them.',
  'CR13-no-disclose': 'The consent lists actions and disclosure is not one of them.',
  'CR14-not-understood': 'A consent of this person could not be read with certainty (unknown structure): fails closed.',
  'CR15-tie-deny': 'A permit and a deny with the same timestamps: the deny wins.',
  'CR16-entered-in-error': 'The only consent naming the purpose was entered in error: as if it never existed, so nothing is permitted.',
  'CR17-draft-only': 'Only a draft or proposed consent names the purpose: not (yet) given; the record waits.',
  'CR18-consent-record-unusable': 'A consent record that names no werkbrug purpose, is a draft or could not be understood is not stored as a record; its document still takes part in the rules above.',
  'CR19-deleted-at-source': 'The consent naming the purpose was deleted at the source (a withdrawal): nothing is permitted.',
  'CR20-withdrawn-erasure': "A consent that permitted the purpose was withdrawn (see docs/privacy/erasure-and-retention.md): the purpose is erased from all stored rows of the person, of every partner, and the person's pending records go when no purpose remains possible.",
  'CR21-retention-purge': "The retention period of the purpose is over for the person (privacy.retention): the purpose is removed from the person's stored rows, and rows left without a purpose are deleted.",
} as const;
export type ConsentRuleId = keyof typeof consentRules;

export interface DecisionInput {
  readonly purpose: Purpose;
  readonly lookup: ConsentLookup;
  /** Today as an Amsterdam calendar date, `YYYY-MM-DD`. */
  readonly today: string;
  /** When this record first waited for consent (UTC instant); now for a new record. */
  readonly waitingSince: string;
  /** Now (UTC instant). */
  readonly now: string;
  readonly maxWaitDays: number;
}

interface Verdict {
  readonly effect: 'permit' | 'refuse' | 'pending';
  readonly rule: ConsentRuleId;
  readonly reason?: RefuseReason | PendingReason;
  readonly doc: ConsentDocument;
}

function names(provision: ConsentProvision, purpose: Purpose): boolean {
  return provision.purposes === 'all' || provision.purposes.includes(purpose);
}

function within(today: string, start: string | undefined, end: string | undefined): 'before' | 'in' | 'after' {
  if (start !== undefined && today < start) return 'before';
  if (end !== undefined && today > end) return 'after';
  return 'in';
}

/** What one document says about the purpose, or undefined when it does not name it. */
function verdictOf(doc: ConsentDocument, purpose: Purpose, today: string): Verdict | undefined {
  if (doc.status === 'draft' || doc.status === 'proposed') {
    return doc.provision && names(doc.provision, purpose) ? { effect: 'pending', rule: 'CR17-draft-only', reason: 'awaiting-consent', doc } : undefined;
  }
  if (doc.status === 'rejected') {
    const named = !doc.provision || doc.provision.purposes === 'all' || doc.provision.purposes.length === 0 || names(doc.provision, purpose);
    return named ? { effect: 'refuse', rule: 'CR06-rejected', reason: 'refused', doc } : undefined;
  }
  if (!doc.understood) return { effect: 'refuse', rule: 'CR14-not-understood', reason: 'not-understood', doc };
  const provision = doc.provision;
  if (!provision || !names(provision, purpose)) return undefined;
  if (doc.status === 'inactive') return { effect: 'refuse', rule: 'CR07-withdrawn', reason: 'withdrawn', doc };
  if (provision.type === 'deny') {
    return within(today, provision.periodStart, provision.periodEnd) === 'in'
      ? { effect: 'refuse', rule: 'CR05-deny', reason: 'refused', doc }
      : undefined;
  }
  // An active permit that names the purpose.
  if (!doc.regionAllowed) return { effect: 'refuse', rule: 'CR12-other-recipient', reason: 'other-recipient', doc };
  if (!doc.actionAllowed) return { effect: 'refuse', rule: 'CR13-no-disclose', reason: 'not-understood', doc };
  const period = within(today, provision.periodStart, provision.periodEnd);
  if (period === 'after') return { effect: 'refuse', rule: 'CR08-expired', reason: 'expired', doc };
  if (period === 'before') return { effect: 'pending', rule: 'CR09-not-yet-valid', reason: 'not-yet-valid', doc };
  const carveOut = doc.exceptions.find((e) => e.type === 'deny' && names(e, purpose) && within(today, e.periodStart, e.periodEnd) === 'in');
  if (carveOut) return { effect: 'refuse', rule: 'CR10-carve-out', reason: 'refused', doc };
  return { effect: 'permit', rule: 'CR04-permit', doc };
}

function recency(doc: ConsentDocument): string {
  return `${doc.recordedAt ?? ''}|${doc.lastUpdated ?? ''}`;
}

/** Decides one purpose. See `consentRules` for every outcome. */
export function decideConsent(input: DecisionInput): ConsentDecision {
  const { lookup, purpose, today } = input;
  if (lookup.kind === 'unreachable') return { outcome: 'pending', rule: 'CR01-source-unreachable', reason: 'source-unreachable' };

  const live = lookup.documents.filter((d) => d.status !== 'entered-in-error' && d.status !== 'deleted');
  // A document that is not understood fails closed for every purpose, whatever is more recent.
  const unclear = live.find((d) => !d.understood && d.status !== 'draft' && d.status !== 'proposed');
  if (unclear) return { outcome: 'refuse', rule: 'CR14-not-understood', reason: 'not-understood', consentRef: unclear.consentRef };

  const verdicts = live.map((d) => verdictOf(d, purpose, today)).filter((v): v is Verdict => v !== undefined);
  const decisive = verdicts.filter((v) => v.rule !== 'CR17-draft-only');
  if (decisive.length > 0) {
    const newest = decisive.reduce((best, v) => (recency(v.doc) > recency(best.doc) ? v : best));
    const tied = decisive.filter((v) => recency(v.doc) === recency(newest.doc));
    const tiedRefusal = tied.find((v) => v.effect === 'refuse');
    if (tied.length > 1 && tiedRefusal && tied.some((v) => v.effect === 'permit')) {
      return { outcome: 'refuse', rule: 'CR15-tie-deny', reason: tiedRefusal.reason as RefuseReason, consentRef: tiedRefusal.doc.consentRef };
    }
    const chosen = tiedRefusal ?? newest;
    if (chosen.effect === 'permit') return { outcome: 'permit', rule: chosen.rule, consentRef: chosen.doc.consentRef };
    if (chosen.effect === 'pending') return { outcome: 'pending', rule: chosen.rule, reason: chosen.reason as PendingReason, consentRef: chosen.doc.consentRef };
    return { outcome: 'refuse', rule: chosen.rule, reason: chosen.reason as RefuseReason, consentRef: chosen.doc.consentRef };
  }

  const erroneous = lookup.documents.find((d) => d.status === 'entered-in-error' && d.provision && names(d.provision, purpose));
  if (erroneous) return { outcome: 'refuse', rule: 'CR16-entered-in-error', reason: 'entered-in-error', consentRef: erroneous.consentRef };
  const deleted = lookup.documents.find((d) => d.status === 'deleted' && d.provision && names(d.provision, purpose));
  if (deleted) return { outcome: 'refuse', rule: 'CR19-deleted-at-source', reason: 'withdrawn', consentRef: deleted.consentRef };
  const drafts = verdicts.find((v) => v.rule === 'CR17-draft-only');
  if (live.length > 0 && !drafts) {
    return { outcome: 'refuse', rule: 'CR11-other-purpose', reason: 'other-purpose' };
  }
  const waitedMs = Date.parse(input.now) - Date.parse(input.waitingSince);
  if (waitedMs > input.maxWaitDays * 86_400_000) return { outcome: 'refuse', rule: 'CR03-no-consent-after-wait', reason: 'no-consent' };
  return drafts
    ? { outcome: 'pending', rule: 'CR17-draft-only', reason: 'awaiting-consent', consentRef: drafts.doc.consentRef }
    : { outcome: 'pending', rule: 'CR02-awaiting-consent', reason: 'awaiting-consent' };
}

export interface RecordDecision {
  readonly outcome: 'permit' | 'pending' | 'refuse';
  /** Purposes this record may be stored for. */
  readonly permitted: readonly Purpose[];
  readonly perPurpose: readonly { readonly purpose: Purpose; readonly decision: ConsentDecision }[];
}

/**
 * Decides a record for every purpose the region uses: stored for the permitted purposes; if none
 * is permitted, it waits when any purpose may still be permitted, else it is refused.
 */
export function decideRecord(purposes: readonly Purpose[], base: Omit<DecisionInput, 'purpose'>): RecordDecision {
  const perPurpose = purposes.map((purpose) => ({ purpose, decision: decideConsent({ ...base, purpose }) }));
  const permitted = perPurpose.filter((p) => p.decision.outcome === 'permit').map((p) => p.purpose);
  const outcome = permitted.length > 0 ? 'permit' : perPurpose.some((p) => p.decision.outcome === 'pending') ? 'pending' : 'refuse';
  return { outcome, permitted, perPurpose };
}

/** `YYYY-MM-DD` of an instant in Europe/Amsterdam. */
export function amsterdamDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
